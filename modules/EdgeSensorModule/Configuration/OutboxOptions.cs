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

    /// <summary>The folder of the log; a relative path is resolved against the working directory (see <see cref="ResolvePath"/>).</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>Readings kept at most; beyond it the oldest are dropped. 100,000 is about 5.8 days at one reading per 5 s.</summary>
    public int MaxMessages { get; set; } = 100_000;

    /// <summary>Disk space the log may take; beyond it the oldest readings are dropped.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Every reading is written to the outbox file before sampling goes on, so a crash of the module loses none.
    /// True: a background group commit also flushes each reading to the device (fsync) within two fsync times of it
    /// being taken (milliseconds), so a power loss loses at most the readings of that window; sampling never waits.
    /// False: the OS writes readings back when it likes (Linux: within about 30 s), which a power loss can lose.
    /// </summary>
    public bool FlushEachReading { get; set; } = true;

    /// <summary>
    /// Makes a relative <see cref="Path"/> absolute against the working directory, where the user who wrote
    /// <c>Outbox__Path=./outbox</c> stands; the content root is the module's own folder, which a rebuild may wipe.
    /// </summary>
    public static void ResolvePath(OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Path))
        {
            options.Path = System.IO.Path.GetFullPath(options.Path);
        }
    }
}
