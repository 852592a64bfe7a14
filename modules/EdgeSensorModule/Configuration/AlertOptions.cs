namespace EdgeSensorModule.Configuration;

/// <summary>The temperature alert (section <c>Alert</c>).</summary>
public sealed class AlertOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Alert";

    /// <summary>°C; <c>temperatureAlert</c> is "true" when the temperature is strictly above it.</summary>
    public double TemperatureThreshold { get; set; } = 30;
}
