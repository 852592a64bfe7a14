using System.Globalization;
using System.Runtime.ExceptionServices;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors.Drivers;
using EdgeSensorModule.Sensors.I2c;
using EdgeSensorModule.Retry;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.Sensors.Resilience;

/// <summary>
/// An I2C chip made dependable: each read bounded by <c>Sensor__ReadTimeout</c>; bus errors retried
/// (<c>Sensor__ReadRetries</c>, delays doubling from <c>Sensor__RetryDelay</c>), then the device and binding
/// re-created; a chip that does not answer is reconnected with capped backoff while the module keeps running;
/// bad data (CRC, 0xFF, out of range, frozen) becomes a typed failure, never a reading.
/// </summary>
public sealed partial class ResilientSensor : ISensor, IDisposable
{
    readonly Func<IChip> connect;
    readonly string pendingDescription;
    readonly SensorOptions options;
    readonly TimeProvider clock;
    readonly ILogger logger;
    readonly BusWork bus;
    readonly Backoff reconnectBackoff;
    readonly PlausibilityCheck plausibility;
    IChip? chip;
    DateTimeOffset nextConnect = DateTimeOffset.MinValue;
    string unavailableReason = "not connected yet";

    /// <summary>Creates the sensor; nothing touches the bus before <see cref="StartAsync"/> or the first read.</summary>
    public ResilientSensor(
        Func<IChip> connect,
        string description,
        SemaphoreSlim busLock,
        SensorOptions options,
        TimeProvider clock,
        SensorHealth health,
        ILogger<ResilientSensor> logger,
        Random? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.connect = connect;
        pendingDescription = description;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        Health = health;
        bus = new BusWork(busLock, options.ReadTimeout, clock);
        reconnectBackoff = new Backoff(TimeSpan.FromSeconds(1), options.ReconnectDelayMax, jitter);
        plausibility = new PlausibilityCheck(options.FrozenReadCount);
    }

    /// <inheritdoc />
    public string Description => chip?.Description ?? pendingDescription;

    /// <summary>State and counters, for logs and the module twin.</summary>
    public SensorHealth Health { get; }

    /// <summary>
    /// Connects once. Setup mistakes (no bus, no permission, another chip) throw <see cref="SensorSetupException"/>
    /// so the module stops with its message; a chip that does not answer is logged and retried from the reads.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken) => await TryConnectAsync(atStartup: true, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<SensorResult> ReadAsync(CancellationToken cancellationToken)
    {
        var failuresBefore = Health.Snapshot.ConsecutiveFailures;
        var result = await ReadCoreAsync(cancellationToken);
        Health.Record(result, chip is not null);
        if (result.IsSuccess && failuresBefore > 0)
        {
            LogRecovered(logger, Description, failuresBefore);
        }

        return result;
    }

    async ValueTask<SensorResult> ReadCoreAsync(CancellationToken cancellationToken)
    {
        if (chip is null)
        {
            var now = clock.GetUtcNow();
            if (now < nextConnect)
            {
                return SensorResult.Fail(SensorFailureKind.Unavailable,
                    $"{unavailableReason}; next attempt in {(nextConnect - now).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
            }

            if (await TryConnectAsync(atStartup: false, cancellationToken) is { } reason)
            {
                return SensorResult.Fail(SensorFailureKind.Unavailable, reason);
            }
        }

        var current = chip!;
        Exception? busError = null;
        for (var attempt = 0; attempt <= options.ReadRetries; attempt++)
        {
            if (attempt > 0 && options.RetryDelay > TimeSpan.Zero)
            {
                await Task.Delay(options.RetryDelay * (1 << (attempt - 1)), clock, cancellationToken);
            }

            var outcome = await bus.RunAsync(current.Measure, current, cancellationToken);
            if (outcome.BusBusy)
            {
                return SensorResult.Fail(SensorFailureKind.Timeout, $"{LinuxI2c.BusPath(options.I2cBus)} is still held by a read that has not returned");
            }

            if (outcome.TimedOut)
            {
                Drop(current, disposeNow: false);
                return SensorResult.Fail(SensorFailureKind.Timeout, $"no answer within {options.ReadTimeout} (Sensor__ReadTimeout); re-creating the device");
            }

            switch (outcome.Error)
            {
                case null:
                    return Accept(current, outcome.Value);
                case ChipDataException data:
                    return SensorResult.Fail(data.Kind, data.Message);
                case IOException io:
                    busError = io;
                    continue;
                default:
                    Drop(current, disposeNow: true);
                    return SensorResult.Fail(SensorFailureKind.Communication, outcome.Error.Message);
            }
        }

        Drop(current, disposeNow: true);
        LogRecreating(logger, current.Description, options.ReadRetries + 1, busError?.Message ?? "");
        return SensorResult.Fail(SensorFailureKind.Communication,
            $"{busError?.Message} ({options.ReadRetries + 1} attempts); re-creating the device");
    }

    SensorResult Accept(IChip current, ChipMeasurement measurement)
    {
        if (plausibility.Check(measurement) is { } rejected)
        {
            if (rejected.Failure == SensorFailureKind.Implausible)
            {
                Drop(current, disposeNow: true); // a stuck chip may come back after a reset
            }

            return rejected;
        }

        // 0.01 °C / %RH is finer than any supported chip's accuracy.
        return SensorResult.Success(new SensorReading(
            Math.Round(measurement.TemperatureCelsius, 2),
            measurement.RelativeHumidityPercent is { } rh ? Math.Round(rh, 2) : null,
            clock.GetUtcNow()));
    }

    /// <summary>Connects; returns null on success, else the reason (and schedules the next attempt).</summary>
    async Task<string?> TryConnectAsync(bool atStartup, CancellationToken cancellationToken)
    {
        var outcome = await bus.RunAsync(_ => connect(), null, cancellationToken);
        if (outcome.Value is { } connected)
        {
            chip = connected;
            reconnectBackoff.Reset();
            nextConnect = DateTimeOffset.MinValue;
            LogConnected(logger, connected.Description);
            return null;
        }

        if (atStartup && outcome.Error is SensorSetupException setup)
        {
            ExceptionDispatchInfo.Throw(setup);
        }

        unavailableReason = outcome switch
        {
            { BusBusy: true } => $"{pendingDescription}: {LinuxI2c.BusPath(options.I2cBus)} is still held by a read that has not returned",
            { TimedOut: true } => $"{pendingDescription}: no answer within {options.ReadTimeout} while setting it up",
            _ => $"{pendingDescription}: {outcome.Error?.Message}",
        };
        var delay = reconnectBackoff.Next();
        nextConnect = clock.GetUtcNow() + delay;
        LogNotAnswering(logger, unavailableReason, delay);
        return unavailableReason;
    }

    void Drop(IChip current, bool disposeNow)
    {
        chip = null;
        nextConnect = DateTimeOffset.MinValue; // re-create at the next read; backoff starts if that fails
        if (disposeNow)
        {
            current.Dispose();
        }

        // Otherwise a hung read still uses it: BusWork disposes it once that read has returned.
    }

    /// <inheritdoc />
    public void Dispose()
    {
        chip?.Dispose();
        chip = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {Sensor} is set up and answering")]
    private static partial void LogConnected(ILogger logger, string sensor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor not answering: {Reason}; the module keeps running and tries again in {Delay}")]
    private static partial void LogNotAnswering(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {Sensor} failed {Attempts} attempts on the bus ({Error}); re-creating the device and binding")]
    private static partial void LogRecreating(ILogger logger, string sensor, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {Sensor} reads again after {Failures} failed reads")]
    private static partial void LogRecovered(ILogger logger, string sensor, int failures);
}
