using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Outbox;

namespace EdgeSensorModule.Metrics;

/// <summary>
/// The values read when scraped rather than counted as they happen: the outbox, the connection, the certificate.
/// They only read state the module keeps anyway (the outbox's size is what its folder takes on disk).
/// </summary>
public sealed class ModuleGauges
{
    /// <summary>Adds the observable instruments to <paramref name="metrics"/>' meter.</summary>
    public ModuleGauges(ModuleMetrics metrics, IOutbox outbox, IHubClient hub, X509Certificate2 certificate, string outboxFolder, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(clock);
        var meter = metrics.Meter;
        var prefix = ModuleMetrics.Prefix;
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        meter.CreateObservableGauge(prefix + "outbox_pending_messages", () => outbox.Count, null, "Readings in the outbox not yet acknowledged by the hub.");
        meter.CreateObservableCounter(prefix + "outbox_dropped_messages_total", () => outbox.Dropped, null, "Readings dropped (oldest first) to stay within Outbox__MaxMessages and Outbox__MaxBytes.");
        meter.CreateObservableGauge(prefix + "outbox_size_bytes", () => FolderBytes(outboxFolder), "By", "Disk space the outbox's files take (limit: Outbox__MaxBytes).");
        meter.CreateObservableGauge(prefix + "hub_connected", () => hub.IsConnected ? 1 : 0, null, "1 while the connection to the hub is up, else 0.");
        meter.CreateObservableGauge(
            prefix + "certificate_remaining_seconds", () => (notAfter - clock.GetUtcNow()).TotalSeconds, "s",
            "Seconds until the device certificate expires (negative once expired); divide by 86400 for days.");
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
