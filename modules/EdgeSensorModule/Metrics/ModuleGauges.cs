using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Identity;
using EdgeSensorModule.Outbox;

namespace EdgeSensorModule.Metrics;

/// <summary>
/// The values read when scraped rather than counted as they happen: the outbox, the connection, the certificate.
/// They only read state the module keeps anyway (the outbox's size is what its folder takes on disk).
/// </summary>
public sealed class ModuleGauges
{
    /// <summary>Adds the observable instruments to <paramref name="metrics"/>' meter.</summary>
    public ModuleGauges(ModuleMetrics metrics, IOutbox outbox, IHubClient hub, IClientIdentitySource identities, string outboxFolder, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(clock);
        var meter = metrics.Meter;
        var prefix = ModuleMetrics.Prefix;
        meter.CreateObservableGauge(prefix + "outbox_pending_messages", () => outbox.Count, null, "Readings in the outbox not yet acknowledged by the hub.");
        meter.CreateObservableCounter(prefix + "outbox_dropped_messages_total", () => outbox.Dropped, null, "Readings dropped (oldest first) to stay within Outbox__MaxMessages and Outbox__MaxBytes.");
        meter.CreateObservableGauge(prefix + "outbox_size_bytes", () => FolderBytes(outboxFolder), "By", "Disk space the outbox's files take (limit: Outbox__MaxBytes).");
        meter.CreateObservableGauge(prefix + "hub_connected", () => hub.IsConnected ? 1 : 0, null, "1 while the connection to the hub is up, else 0.");
        meter.CreateObservableGauge(
            prefix + "certificate_remaining_seconds", () => identities.Current.Certificate.Remaining(clock.GetUtcNow()).TotalSeconds, "s",
            "Seconds until the device certificate in use expires (negative once expired; follows a rotation); divide by 86400 for days.");
    }

    static long FolderBytes(string folder)
    {
        try
        {
            return new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0; // a file removed while counting, or the folder not made yet
        }
    }
}
