using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection.Proxy;
using EdgeSensorModule.HubConnection.WebSockets;
using IotHub.Certificates;
using IotHub.Protocol;
using MQTTnet;
using MQTTnet.Channel;
using MQTTnet.Formatter;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// The one definition of how the module's MQTT connection is made, for both MQTT transports: the same CONNECT (client
/// id, username, clean session off, keep-alive), over TLS on 8883 (<see cref="HubTransportKind.Mqtt"/>) or over a
/// WebSocket on 443 (<see cref="HubTransportKind.MqttWebSocket"/>, optionally through <c>Device__ProxyUri</c>).
/// </summary>
internal static class MqttConnectionOptions
{
    /// <summary>The client options and a description of the endpoint for messages.</summary>
    public static (MqttClientOptions Options, string Endpoint) Create(
        DeviceOptions device, ClientIdentity identity, X509Certificate2Collection? trustBundle, HttpProxy? proxy, string productInfo)
    {
        ArgumentNullException.ThrowIfNull(device);
        var host = device.ConnectHostName;
        var webSocket = device.Transport == HubTransportKind.MqttWebSocket;
        var port = device.Port ?? (webSocket ? WebSocketEndpoint.Port : MqttConnectionIdentity.MqttTlsPort);
        var tls = new TlsConnector(host, identity, trustBundle, "Device__TrustBundlePath")
        {
            Dialer = proxy is null ? DirectDialer.Instance : new ProxyTunnel(proxy),
        };
        IMqttClientStreamProvider channel = webSocket ? new WebSocketConnector(tls, WebSocketEndpoint.MqttSubProtocol) : tls;
        var endpoint = webSocket ? $"wss://{host}:{port}{WebSocketEndpoint.Path}" : $"{host}:{port}";
        if (proxy is not null)
        {
            endpoint += $" via proxy {proxy.Endpoint}";
        }

        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithStreamProvider(channel)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(MqttConnectionIdentity.ClientId(device.Id))
            .WithCredentials(MqttConnectionIdentity.Username(host, device.Id, productInfo, Twin.DeviceModel.Id))
            .WithCleanSession(false)
            .WithKeepAlivePeriod(device.KeepAlive)
            .WithTimeout(device.ConnectTimeout)
            .Build();
        return (options, endpoint);
    }
}
