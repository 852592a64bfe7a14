namespace EdgeSensorModule.Configuration;

/// <summary>Sampling and sending (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Telemetry";

    /// <summary>Time between readings; zero samples as fast as possible.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Stop after this many readings have been delivered; 0 runs forever.</summary>
    public long MessageCount { get; set; }

    /// <summary>How many messages may await the hub's acknowledgement at once.</summary>
    public int MaxInFlight { get; set; } = 64;
}
