namespace EdgeSensorModule.Configuration;

/// <summary>Sampling and sending (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions : IParsedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Telemetry";

    /// <summary>Time between readings; zero samples as fast as possible.</summary>
    public TimeSpan Interval { get; internal set; } = TimeSpan.FromSeconds(5);

    /// <summary>Allowed for <see cref="Interval"/>: as fast as possible up to one reading a day.</summary>
    public static DurationRange IntervalRange { get; } = new(TimeSpan.Zero, TimeSpan.FromDays(1));

    /// <summary>Take this many readings in this run, deliver everything pending, then stop; 0 runs forever.</summary>
    public long MessageCount { get; set; }

    /// <summary>How many messages may await the hub's acknowledgement at once.</summary>
    public int MaxInFlight { get; set; } = 64;

    /// <summary>
    /// On SIGTERM, how long sends already in flight may take to be acknowledged before the module exits; below docker's
    /// 10 s stop timeout, after which the container is killed.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; internal set; } = TimeSpan.FromSeconds(5);

    /// <summary>Allowed for <see cref="ShutdownTimeout"/>: keep it below the container's stop timeout (docker: 10 s).</summary>
    public static DurationRange ShutdownTimeoutRange { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    /// <inheritdoc />
    void IParsedOptions.Parse(SettingReader settings)
    {
        Interval = settings.Duration(nameof(Interval), Interval, IntervalRange);
        ShutdownTimeout = settings.Duration(nameof(ShutdownTimeout), ShutdownTimeout, ShutdownTimeoutRange);
    }
}
