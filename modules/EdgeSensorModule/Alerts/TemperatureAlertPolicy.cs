using EdgeSensorModule.Configuration;
using EdgeSensorModule.Twin;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Alerts;

/// <summary>
/// The seed's rule: alert when the temperature is strictly above the threshold. Stateless, no hysteresis: each
/// reading is judged on its own, so a reading hovering at the threshold may flip the flag from one message to the next.
/// The threshold is <c>Alert__TemperatureThreshold</c>, or the twin's <c>alertThreshold</c> from the next reading on.
/// </summary>
public sealed class TemperatureAlertPolicy(IOptions<AlertOptions> options, LiveSettings? live = null)
{
    readonly double configured = options.Value.TemperatureThreshold;

    /// <summary>The threshold in °C now.</summary>
    public double Threshold => live?.AlertThreshold ?? configured;

    /// <summary>True when <paramref name="temperatureCelsius"/> is above the threshold.</summary>
    public bool IsAlert(double temperatureCelsius) => temperatureCelsius > Threshold;
}
