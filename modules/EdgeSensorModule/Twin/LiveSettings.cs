using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Twin;

/// <summary>The settings in effect: the environment's, overridden by what the twin set.</summary>
/// <param name="AlertThreshold">°C.</param>
/// <param name="TelemetryInterval">Sampling period.</param>
/// <param name="SendData">False: readings are kept in the outbox, not sent.</param>
public sealed record EffectiveSettings(double AlertThreshold, TimeSpan TelemetryInterval, bool SendData);

/// <summary>
/// The settings the twin may change while the module runs (<c>alertThreshold</c>, <c>telemetryInterval</c>,
/// <c>sendData</c>), read by sampling, the alert and delivery. The environment settings (<c>Alert__TemperatureThreshold</c>,
/// <c>Telemetry__Interval</c>) are the defaults; a desired value overrides them, and removing it returns to them.
/// </summary>
public sealed class LiveSettings
{
    readonly EffectiveSettings defaults;
    volatile EffectiveSettings current;

    /// <summary>Starts with the environment's settings.</summary>
    public LiveSettings(IOptions<AlertOptions> alert, IOptions<TelemetryOptions> telemetry)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(telemetry);
        defaults = new EffectiveSettings(alert.Value.TemperatureThreshold, telemetry.Value.Interval, SendData: true);
        current = defaults;
    }

    /// <summary>Raised after a change, on the thread that applied it; handlers must return quickly.</summary>
    public event Action? Changed;

    /// <summary>The settings in effect now.</summary>
    public EffectiveSettings Current => current;

    /// <summary>The twin's settings applied last (null members: the environment's).</summary>
    public DesiredSettings Desired { get; private set; } = DesiredSettings.None;

    /// <summary>°C: <c>temperatureAlert</c> is true above it.</summary>
    public double AlertThreshold => current.AlertThreshold;

    /// <summary>The sampling period.</summary>
    public TimeSpan TelemetryInterval => current.TelemetryInterval;

    /// <summary>False pauses sending.</summary>
    public bool SendData => current.SendData;

    /// <summary>Puts <paramref name="desired"/> in effect over the environment's settings.</summary>
    public void Apply(DesiredSettings desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        Desired = desired;
        var next = new EffectiveSettings(
            desired.AlertThreshold ?? defaults.AlertThreshold,
            desired.TelemetryInterval ?? defaults.TelemetryInterval,
            desired.SendData ?? defaults.SendData);
        if (next != current)
        {
            current = next;
            Changed?.Invoke();
        }
    }
}
