using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IotHub.Protocol;
using MQTTnet.Server;

namespace HubSimulator.Dashboard;

/// <summary>A device's open connection as the dashboard shows it.</summary>
/// <param name="Since">When it connected.</param>
/// <param name="ModelId">The IoT Plug and Play model id from the MQTT username (<c>model-id=</c>), or null.</param>
/// <param name="Thumbprint">SHA-256 thumbprint of the certificate the device authenticated with (a rotation shows here).</param>
public sealed record DeviceConnection(DateTimeOffset Since, string? ModelId, string? Thumbprint);

/// <summary>
/// Which devices are connected now and with which model id: opened from the MQTT server's connect events and by the
/// AMQP endpoint, closed by each transport when the device's current connection ends (a takeover, by a second
/// connection of the same device over either transport, leaves the device connected).
/// </summary>
public sealed class DeviceConnections(TimeProvider clock)
{
    const string ModelIdParameter = "model-id";

    readonly ConcurrentDictionary<string, DeviceConnection> open = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, string> authenticated = new(StringComparer.Ordinal);

    /// <summary>Raised after a device connects or disconnects.</summary>
    public event Action? Changed;

    /// <summary>Follows the MQTT server's connections (their ends are reported by <see cref="Broker.MqttDeviceSessions"/>).</summary>
    public void Watch(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.ClientConnectedAsync += e =>
        {
            Opened(e.ClientId, ModelId(e.UserName), authenticated.TryRemove(e.ClientId, out var thumbprint) ? thumbprint : null);
            return Task.CompletedTask;
        };
    }

    /// <summary>The certificate a device's CONNECT was accepted with; its connection, opened next, carries the thumbprint.</summary>
    public void Authenticated(string clientId, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        authenticated[clientId] = certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary>A device connected (any transport), with the thumbprint of the certificate it authenticated with when known.</summary>
    public void Opened(string deviceId, string? modelId, string? thumbprint)
    {
        open[deviceId] = new DeviceConnection(clock.GetUtcNow(), modelId, thumbprint);
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
