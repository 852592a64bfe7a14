using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Alerts;

/// <summary>
/// The seed's rule: alert when the temperature is strictly above the threshold. Stateless, no hysteresis: each
/// reading is judged on its own, so a reading hovering at the threshold may flip the flag from one message to the next.
/// </summary>
public sealed class TemperatureAlertPolicy(IOptions<AlertOptions> options)
{
    readonly double threshold = options.Value.TemperatureThreshold;

    /// <summary>The threshold in °C.</summary>
    public double Threshold => threshold;

    /// <summary>True when <paramref name="temperatureCelsius"/> is above the threshold.</summary>
    public bool IsAlert(double temperatureCelsius) => temperatureCelsius > threshold;
}
