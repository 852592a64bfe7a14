using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Twin;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Sampling;

/// <summary>
/// Reads the sensor every <c>Telemetry__Interval</c> (or the twin's <c>telemetryInterval</c>, taken at once: a changed
/// period is counted from the last reading, not after the old one runs out), applies the alert, stores each reading in
/// the outbox (which numbers it) and tells delivery (<see cref="SampledReadings"/>). It also takes the on-demand readings
/// <see cref="SamplingControl"/> asks for, so the sensor has one reader. Independent of the connection: sampling goes on
/// while the hub is unreachable. A sensor outage is logged when it starts, every <see cref="FailureLogEvery"/> failed
/// reads while it lasts, and when readings resume, so a chip that is gone for a day does not fill the log with a line
/// per interval.
/// </summary>
public sealed partial class SamplingService(
    ISensor sensor,
    TemperatureAlertPolicy alert,
    IOutbox outbox,
    SampledReadings sampled,
    IOptions<DeviceOptions> device,
    IOptions<TelemetryOptions> telemetry,
    TimeProvider clock,
    ILogger<SamplingService> logger,
    LiveSettings? live = null,
    SamplingControl? control = null) : BackgroundService
{
    /// <summary>While reads keep failing, one warning per this many failed reads.</summary>
    public const int FailureLogEvery = 60;

    readonly SamplingControl control = control ?? new SamplingControl();
    long taken;
    long failedInARow;

    TimeSpan Interval => live?.TelemetryInterval ?? telemetry.Value.Interval;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var limit = telemetry.Value.MessageCount;
        LogStarted(logger, sensor.Description, Interval, limit == 0 ? "no limit" : limit.ToString(System.Globalization.CultureInfo.InvariantCulture), alert.Threshold);
        var scheduled = clock.GetUtcNow();
        if (live is not null)
        {
            live.Changed += control.Wake;
        }

        control.SetRunning(true);
        try
        {
            while (limit == 0 || taken < limit)
            {
                await TakeAsync(null, stoppingToken);
                await AnswerRequestsAsync(stoppingToken);
                while (true)
                {
                    var due = scheduled + Interval; // read each time: the twin may have changed it meanwhile
                    var wait = due - clock.GetUtcNow();
                    if (wait <= TimeSpan.Zero)
                    {
                        scheduled = clock.GetUtcNow(); // running late: do not burst to catch up
                        break;
                    }

                    if (!await control.WaitAsync(wait, clock, stoppingToken))
                    {
                        scheduled = due;
                        break;
                    }

                    await AnswerRequestsAsync(stoppingToken);
                }
            }

            LogLimitReached(logger, taken);
            sampled.End();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: what is in the outbox stays there for the next start.
        }
        finally
        {
            control.SetRunning(false);
            if (live is not null)
            {
                live.Changed -= control.Wake;
            }
        }
    }

    async Task AnswerRequestsAsync(CancellationToken stoppingToken)
    {
        while (control.TryTake(out var request))
        {
            await TakeAsync(request, stoppingToken);
        }
    }

    /// <summary>Takes one reading, stores it and answers <paramref name="request"/> when it was asked for.</summary>
    async Task TakeAsync(TaskCompletionSource<ReadNowResult>? request, CancellationToken stoppingToken)
    {
        var result = await sensor.ReadAsync(stoppingToken);
        if (result.Reading is { } reading)
        {
            var isAlert = alert.IsAlert(reading.TemperatureCelsius);
            var stored = outbox.Append(id => ReadingMessage.Create(device.Value.Id, id, reading, isAlert)) is not null;
            if (stored)
            {
                sampled.Stored();
                taken++;
            }

            if (failedInARow > 0)
            {
                LogReadsResumed(logger, sensor.Description, failedInARow);
                failedInARow = 0;
            }

            request?.TrySetResult(new ReadNowResult(reading, isAlert, stored, stored ? null : "the outbox could not store it"));
        }
        else
        {
            if (failedInARow++ % FailureLogEvery == 0)
            {
                LogReadFailed(logger, sensor.Description, failedInARow, result.Failure, result.Error ?? "");
            }

            request?.TrySetResult(new ReadNowResult(null, false, false, $"{result.Failure}: {result.Error}"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sampling {Sensor} every {Interval} ({Limit}); alert above {Threshold} °C")]
    private static partial void LogStarted(ILogger logger, string sensor, TimeSpan interval, string limit, double threshold);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No reading from {Sensor} ({Failed} failed in a row): {Failure}: {Error}")]
    private static partial void LogReadFailed(ILogger logger, string sensor, long failed, SensorFailureKind failure, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Readings from {Sensor} resumed after {Failed} failed reads")]
    private static partial void LogReadsResumed(ILogger logger, string sensor, long failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took {Count} readings (Telemetry__MessageCount); sampling stops")]
    private static partial void LogLimitReached(ILogger logger, long count);
}
