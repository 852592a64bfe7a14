using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HubSimulator.Cloud;
using HubSimulator.Messages;
using HubSimulator.Registry;

namespace HubSimulator.Dashboard;

/// <summary>
/// Builds the page's lists from the registry, the open connections, the twins and the messages seen (counted as they
/// arrive, so a summary costs one pass over the devices, not over every message).
/// </summary>
public sealed class FleetSummary(DeviceRegistry registry, DeviceConnections connections, TwinStore twins)
{
    /// <summary>The module's default alert threshold (its <c>Alert__TemperatureThreshold</c>), drawn when the twin has none.</summary>
    public const double DefaultAlertThreshold = 30;

    /// <summary>The twin property the threshold is read from (issue 13's writable property).</summary>
    public const string AlertThresholdProperty = "alertThreshold";

    readonly ConcurrentDictionary<string, DeviceActivity> activity = new(StringComparer.Ordinal);
    long total;

    /// <summary>Counts a message (one device's entry updated in place: no allocation per message).</summary>
    public void Record(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref total);
        var device = activity.GetOrAdd(message.DeviceId, static _ => new DeviceActivity());
        lock (device)
        {
            device.Count++;
            device.Last = message.ReceivedAt;
        }
    }

    /// <summary>The lists as they are now.</summary>
    public DashboardSummary Build()
    {
        var devices = registry.Devices().Select(device =>
        {
            var seen = activity.TryGetValue(device.DeviceId, out var a) ? a.Read() : (0, null);
            var connection = connections.Find(device.DeviceId);
            var (threshold, source) = AlertThreshold(twins.Get(device.DeviceId));
            return new DeviceSummary(device.DeviceId, device.Authentication, connection is not null, connection?.ModelId ?? device.ModelId,
                seen.Count, seen.Last, threshold, source);
        }).ToList();
        var cas = registry.CertificateAuthorities()
            .Select(ca => new CaSummary(ca.Name, ca.Subject, ca.Thumbprint, ca.Status, ca.VerificationCode)).ToList();
        return new DashboardSummary(devices, cas, Interlocked.Read(ref total));
    }

    /// <summary>
    /// The threshold the device works with: reported (what it applied; a plain number or a Plug and Play
    /// acknowledgement <c>{"value":...}</c>), else desired, else the module's default.
    /// </summary>
    public static (double Celsius, string Source) AlertThreshold(JsonObject twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        foreach (var side in (string[])["reported", "desired"])
        {
            var property = twin[side]?[AlertThresholdProperty];
            var value = property is JsonObject acknowledgement ? acknowledgement["value"] : property;
            if (value is JsonValue { } number && number.GetValueKind() == JsonValueKind.Number
                && double.TryParse(number.ToJsonString(), CultureInfo.InvariantCulture, out var celsius))
            {
                return (celsius, side);
            }
        }

        return (DefaultAlertThreshold, "default");
    }

    /// <summary>One device's messages so far and when the last came; guarded by its own lock.</summary>
    sealed class DeviceActivity
    {
        public long Count;
        public DateTimeOffset Last;

        public (long Count, DateTimeOffset? Last) Read()
        {
            lock (this)
            {
                return (Count, Last);
            }
        }
    }
}
