using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace HubSimulator.Cloud;

/// <summary>
/// Which connection each device has open now, over any transport, so that twin notifications, method calls and
/// cloud-to-device messages reach the device however it connected. One connection per device, as IoT Hub keeps it:
/// a device that connects over one transport while connected over the other loses the older connection. (A second
/// connection over the same transport is taken over by that transport itself.) Nothing is kept for an offline device:
/// IoT Hub keeps no desired-property notifications or method requests for it, and its cloud-to-device messages wait
/// in <see cref="CloudToDeviceMessages"/>.
/// </summary>
public sealed class DeviceLink
{
    readonly ConcurrentDictionary<string, IDeviceSession> sessions = new(StringComparer.Ordinal);

    /// <summary>
    /// The device's new connection; returns the older one over another transport, which it closes, or null.
    /// </summary>
    public IDeviceSession? Opened(string deviceId, IDeviceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        IDeviceSession? older = null;
        sessions.AddOrUpdate(deviceId, session, (_, existing) =>
        {
            older = existing;
            return session;
        });
        if (older is null || ReferenceEquals(older, session) || older.Transport == session.Transport)
        {
            return null;
        }

        older.Close($"a newer connection over {session.Transport} took over (one connection per device)");
        return older;
    }

    /// <summary>The connection ended; true when it was the device's current one (the device is offline now).</summary>
    public bool Closed(string deviceId, IDeviceSession session) =>
        sessions.TryRemove(new KeyValuePair<string, IDeviceSession>(deviceId, session));

    /// <summary>The device's open connection, or null when it is offline.</summary>
    public IDeviceSession? Find(string deviceId) => sessions.TryGetValue(deviceId, out var session) ? session : null;

    /// <summary>True when the device has a connection open now.</summary>
    public bool IsConnected(string deviceId) => sessions.ContainsKey(deviceId);

    /// <summary>
    /// Pushes a desired patch to the device if it is connected (and asked for them); an offline device reads the whole
    /// twin when it connects.
    /// </summary>
    public Task PushDesiredAsync(string deviceId, JsonObject patch, long version) =>
        Find(deviceId) is { } session ? session.PushDesiredAsync(patch, version) : Task.CompletedTask;
}
