using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection.Proxy;
using EdgeSensorModule.HubConnection.WebSockets;
using EdgeSensorModule.Identity;
using IotHub.Protocol;
using MQTTnet.Channel;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// Where a transport connects and how its byte stream is made, the one place that knows it: TLS to the protocol's own
/// port (8883, 5671), or a WebSocket at <c>wss://{host}:443/$iothub/websocket</c> with the protocol's sub-protocol
/// (<see cref="WebSocketConnector"/>); directly or through the <c>Device__ProxyUri</c> tunnel (<see cref="ProxyTunnel"/>).
/// The device certificate and its chain go in the TLS handshake either way (<see cref="TlsConnector"/>). MQTTnet and
/// the AMQP client take the stream alike, from <see cref="Streams"/>, and never know how it was made.
/// </summary>
internal sealed class HubEndpoint
{
    HubEndpoint(string host, int port, IMqttClientStreamProvider streams, string description)
    {
        Host = host;
        Port = port;
        Streams = streams;
        Description = description;
    }

    /// <summary>The hub or gateway host.</summary>
    public string Host { get; }

    /// <summary><c>Device__Port</c>, else the transport's standard port.</summary>
    public int Port { get; }

    /// <summary>Opens the stream (failures are <see cref="HubException"/>s); MQTTnet's stream provider interface, which says nothing of MQTT.</summary>
    public IMqttClientStreamProvider Streams { get; }

    /// <summary>For messages: <c>host:port</c> or <c>wss://host:port/$iothub/websocket</c>, and the proxy when there is one.</summary>
    public string Description { get; }

    /// <summary>The endpoint of <paramref name="device"/>'s transport.</summary>
    public static HubEndpoint For(DeviceOptions device, IClientIdentitySource identities, X509Certificate2Collection? trustBundle, HttpProxy? proxy)
    {
        ArgumentNullException.ThrowIfNull(device);
        var protocol = HubProtocols.Of(device.Transport);
        var host = device.ConnectHostName;
        var port = device.Port ?? (device.UsesWebSocket ? WebSocketEndpoint.Port : protocol.TlsPort());
        var tls = new TlsConnector(host, identities, trustBundle, "Device__TrustBundlePath")
        {
            Dialer = proxy is null ? DirectDialer.Instance : new ProxyTunnel(proxy),
            Protocol = protocol,
        };
        IMqttClientStreamProvider streams = device.UsesWebSocket ? new WebSocketConnector(tls, protocol) : tls;
        var description = device.UsesWebSocket ? $"wss://{host}:{port}{WebSocketEndpoint.Path}" : $"{host}:{port}";
        if (proxy is not null)
        {
            description += $" via proxy {proxy.Endpoint}";
        }

        return new HubEndpoint(host, port, streams, description);
    }

    /// <summary>The open stream to the hub.</summary>
    public Task<Stream> ConnectAsync(CancellationToken cancellationToken) => Streams.ConnectAsync(new DnsEndPoint(Host, Port), cancellationToken);
}
