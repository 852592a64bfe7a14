using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sensors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Sampling;

/// <summary>
/// Reads the sensor every <c>Telemetry__Interval</c>, applies the alert, stores each reading in the outbox (which
/// numbers it) and tells delivery (<see cref="SampledReadings"/>). Independent of the connection: sampling goes on while the hub is unreachable. A sensor outage is logged when it
/// starts, every <see cref="FailureLogEvery"/> failed reads while it lasts, and when readings resume, so a chip that is
/// gone for a day does not fill the log with a line per interval.
/// </summary>
public sealed partial class SamplingService(
    ISensor sensor,
    TemperatureAlertPolicy alert,
    IOutbox outbox,
    SampledReadings sampled,
    IOptions<DeviceOptions> device,
    IOptions<TelemetryOptions> telemetry,
    TimeProvider clock,
    ILogger<SamplingService> logger) : BackgroundService
{
    /// <summary>While reads keep failing, one warning per this many failed reads.</summary>
    public const int FailureLogEvery = 60;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = telemetry.Value.Interval;
        var limit = telemetry.Value.MessageCount;
        LogStarted(logger, sensor.Description, interval, limit == 0 ? "no limit" : limit.ToString(System.Globalization.CultureInfo.InvariantCulture), alert.Threshold);
        long taken = 0;
        long failedInARow = 0;
        var next = clock.GetUtcNow();
        try
        {
            while (limit == 0 || taken < limit)
            {
                var result = await sensor.ReadAsync(stoppingToken);
                if (result.Reading is { } reading)
                {
                    var isAlert = alert.IsAlert(reading.TemperatureCelsius);
                    if (outbox.Append(id => ReadingMessage.Create(device.Value.Id, id, reading, isAlert)) is not null)
                    {
                        sampled.Stored();
                        taken++;
                    }

                    if (failedInARow > 0)
                    {
                        LogReadsResumed(logger, sensor.Description, failedInARow);
                        failedInARow = 0;
                    }
                }
                else if (failedInARow++ % FailureLogEvery == 0)
                {
                    LogReadFailed(logger, sensor.Description, failedInARow, result.Failure, result.Error ?? "");
                }

                next += interval;
                var wait = next - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, stoppingToken);
                }
                else
                {
                    next = clock.GetUtcNow(); // running late: do not burst to catch up
                }
            }

            LogLimitReached(logger, taken);
            sampled.End();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: what is in the outbox stays there for the next start.
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
