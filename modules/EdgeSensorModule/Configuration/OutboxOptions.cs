namespace EdgeSensorModule.Configuration;

/// <summary>The durable outbox between sampling and delivery (section <c>Outbox</c>); see docs/reliability.md.</summary>
public sealed class OutboxOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Outbox";

    /// <summary>Where the outbox lives when <c>Outbox__Path</c> is not set: map a volume here in a container.</summary>
    public const string DefaultPath = "/var/lib/edgesensor/outbox";

    /// <summary>Smallest <see cref="MaxBytes"/>: room for 16 segments of 16 KiB.</summary>
    public const long MinimumBytes = 256 * 1024;

    /// <summary>The folder of the log; a relative path is resolved against the content root.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>Readings kept at most; beyond it the oldest are dropped. 100,000 is about 5.8 days at one reading per 5 s.</summary>
    public int MaxMessages { get; set; } = 100_000;

    /// <summary>Disk space the log may take; beyond it the oldest readings are dropped.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// True: every reading is flushed to the device (fsync) before sampling goes on, so a power loss loses none.
    /// False: written at once (a crash of the module loses none) but flushed by the OS, so a power loss can lose the
    /// last seconds of readings.
    /// </summary>
    public bool FlushEachReading { get; set; } = true;
}
