using System.Net;
using System.Net.WebSockets;
using MQTTnet.Channel;

namespace EdgeSensorModule.HubConnection.WebSockets;

/// <summary>
/// Opens <c>wss://{host}:{port}/$iothub/websocket</c> with the protocol's sub-protocol (<c>mqtt</c> or <c>AMQPWSB10</c>):
/// the TCP connection (direct or through the proxy tunnel) and mutual TLS of <see cref="TlsConnector"/>, so the client
/// certificate and its chain go in the TLS handshake exactly as over TLS alone, then the WebSocket upgrade
/// (<see cref="WebSocketHandshake"/>). The stream it hands MQTTnet or the AMQP client is the WebSocket's binary
/// messages as one byte stream, with the same coalesced writes and inbound checks as over TLS.
/// </summary>
internal sealed class WebSocketConnector(TlsConnector tls, HubProtocol protocol) : IMqttClientStreamProvider
{
    /// <summary>The open WebSocket; failures are <see cref="HubException"/>s.</summary>
    public async Task<WebSocket> OpenAsync(EndPoint serverEndPoint, CancellationToken cancellationToken)
    {
        var endpoint = TlsConnector.Describe(serverEndPoint);
        var (host, port) = serverEndPoint is DnsEndPoint dns
            ? (dns.Host, dns.Port)
            : throw new ArgumentException($"A host name is needed for the WebSocket upgrade, not {serverEndPoint}.", nameof(serverEndPoint));
        var stream = await tls.HandshakeAsync(serverEndPoint, cancellationToken);
        try
        {
            return await WebSocketHandshake.UpgradeAsync(stream, host, port, protocol.SubProtocol(), endpoint, stream.LocalCertificate is not null, cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        var socket = await OpenAsync(brokerEndPoint, cancellationToken);
        var messages = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
        // The upgrade's answer came after the server accepted the certificate: a close now is not its verdict on it.
        return new InboundGuardStream(new CoalescingWriteStream(messages), TlsConnector.Describe(brokerEndPoint), clientCertificateSent: false, protocol);
    }
}
