using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection.Proxy;
using EdgeSensorModule.Identity;
using IotHub.Protocol;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// The one definition of how the module's MQTT connection is made, for both MQTT transports: the same CONNECT (client
/// id, username, clean session off, keep-alive), over TLS on 8883 (<see cref="HubTransportKind.Mqtt"/>) or over a
/// WebSocket on 443 (<see cref="HubTransportKind.MqttWebSocket"/>, optionally through <c>Device__ProxyUri</c>): the
/// stream is <see cref="HubEndpoint"/>'s.
/// </summary>
internal static class MqttConnectionOptions
{
    /// <summary>The client options and a description of the endpoint for messages.</summary>
    public static (MqttClientOptions Options, string Endpoint) Create(
        DeviceOptions device, IClientIdentitySource identities, X509Certificate2Collection? trustBundle, HttpProxy? proxy, string productInfo)
    {
        ArgumentNullException.ThrowIfNull(device);
        var hub = HubEndpoint.For(device, identities, trustBundle, proxy);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(hub.Host, hub.Port)
            .WithStreamProvider(hub.Streams)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(MqttConnectionIdentity.ClientId(device.Id))
            .WithCredentials(MqttConnectionIdentity.Username(hub.Host, device.Id, productInfo, Twin.DeviceModel.Id))
            .WithCleanSession(false)
            .WithKeepAlivePeriod(device.KeepAlive)
            .WithTimeout(device.ConnectTimeout)
            .Build();
        return (options, hub.Description);
    }
}
