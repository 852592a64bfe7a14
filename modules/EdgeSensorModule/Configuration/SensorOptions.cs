namespace EdgeSensorModule.Configuration;

/// <summary>Sensor drivers.</summary>
public enum SensorType
{
    /// <summary>A reproducible random walk; no hardware needed.</summary>
    Fake,
}

/// <summary>Which sensor to read (section <c>Sensor</c>).</summary>
public sealed class SensorOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Sensor";

    /// <summary>The driver.</summary>
    public SensorType Type { get; set; } = SensorType.Fake;

    /// <summary>Seed of the fake driver's random walk; random when null.</summary>
    public int? Seed { get; set; }
}
