using System.Collections.Concurrent;
using IotHub.Protocol;
using MQTTnet.Server;

namespace HubSimulator.Dashboard;

/// <summary>A device's open connection as the dashboard shows it.</summary>
/// <param name="Since">When it connected.</param>
/// <param name="ModelId">The IoT Plug and Play model id from the MQTT username (<c>model-id=</c>), or null.</param>
public sealed record DeviceConnection(DateTimeOffset Since, string? ModelId);

/// <summary>
/// Which devices are connected now and with which model id, from the MQTT server's connect and disconnect events.
/// A takeover (a second connection of the same device) leaves the device connected.
/// </summary>
public sealed class DeviceConnections(TimeProvider clock)
{
    const string ModelIdParameter = "model-id";

    readonly ConcurrentDictionary<string, DeviceConnection> open = new(StringComparer.Ordinal);

    /// <summary>Raised after a device connects or disconnects.</summary>
    public event Action? Changed;

    /// <summary>Follows the server's connections.</summary>
    public void Watch(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.ClientConnectedAsync += e =>
        {
            Opened(e.ClientId, ModelId(e.UserName));
            return Task.CompletedTask;
        };
        server.ClientDisconnectedAsync += e =>
        {
            if (e.DisconnectType != MqttClientDisconnectType.Takeover)
            {
                Closed(e.ClientId);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>A device connected (any transport).</summary>
    public void Opened(string deviceId, string? modelId)
    {
        open[deviceId] = new DeviceConnection(clock.GetUtcNow(), modelId);
        Changed?.Invoke();
    }

    /// <summary>A device's connection ended (not taken over by a newer one).</summary>
    public void Closed(string deviceId)
    {
        if (open.TryRemove(deviceId, out _))
        {
            Changed?.Invoke();
        }
    }

    /// <summary>The device's open connection, or null when it is offline.</summary>
    public DeviceConnection? Find(string deviceId) => open.TryGetValue(deviceId, out var connection) ? connection : null;

    /// <summary>The <c>model-id</c> parameter of a username <c>{host}/{deviceId}/?api-version=...&amp;model-id=...</c>.</summary>
    public static string? ModelId(string? username)
    {
        var query = username?.IndexOf("/?", StringComparison.Ordinal) ?? -1;
        return query < 0
            ? null
            : PropertyBag.Decode(username![(query + 2)..]).Where(p => p.Key == ModelIdParameter).Select(p => p.Value).FirstOrDefault();
    }
}
