using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using IotHub.Protocol;

namespace EdgeSensorModule.HubConnection.WebSockets;

/// <summary>
/// The client side of the WebSocket opening handshake (RFC 6455 section 4) on an established TLS stream: the upgrade
/// request for <see cref="WebSocketEndpoint.Path"/> with one sub-protocol, as the SDKs send it (no query, no extra
/// headers), and the checks of the server's 101 answer. The frames then run on .NET's own WebSocket implementation
/// (<see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>, the one ClientWebSocket uses).
/// Written here rather than through ClientWebSocket so that the TCP connection (direct or through a proxy tunnel)
/// and the TLS session stay this module's own, with their failures classified as for MQTT over TLS.
/// </summary>
internal static class WebSocketHandshake
{
    /// <summary>RFC 6455's GUID, appended to the key to compute Sec-WebSocket-Accept.</summary>
    const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Upgrades <paramref name="tls"/> (owned by the returned WebSocket); failures are <see cref="HubException"/>s.</summary>
    public static async Task<WebSocket> UpgradeAsync(
        Stream tls, string host, int port, string subProtocol, string endpoint, bool clientCertificateSent, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var authority = port == WebSocketEndpoint.Port ? host : $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        var request = $"GET {WebSocketEndpoint.Path} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {subProtocol}\r\n\r\n";
        HttpResponseHead? answer;
        try
        {
            await tls.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
            answer = await HttpResponseHead.ReadAsync(tls, cancellationToken);
        }
        catch (IOException ex)
        {
            throw InboundGuardStream.Verdict(ex, endpoint, clientCertificateSent, "answering the WebSocket upgrade")
                ?? new HubException(HubErrorCode.ConnectionLost, $"The connection to {endpoint} failed during the WebSocket upgrade: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new HubException(HubErrorCode.WebSocketRefused,
                $"The server at {endpoint} did not answer the WebSocket upgrade in HTTP ({ex.Message}): check Device__Port (443 for the WebSocket transports).", ex);
        }

        if (answer is null)
        {
            throw InboundGuardStream.Verdict(null, endpoint, clientCertificateSent, "answering the WebSocket upgrade")
                ?? new HubException(HubErrorCode.ConnectionLost, $"The server at {endpoint} closed the connection instead of answering the WebSocket upgrade.");
        }

        if (Problem(answer, key, subProtocol, endpoint) is { } refused)
        {
            throw refused;
        }

        return WebSocket.CreateFromStream(tls, new WebSocketCreationOptions { IsServer = false, SubProtocol = subProtocol });
    }

    static HubException? Problem(HttpResponseHead answer, string key, string subProtocol, string endpoint)
    {
        var where = $"The server at {endpoint}";
        if (answer.StatusCode != 101)
        {
            return answer.StatusCode switch
            {
                404 => new(HubErrorCode.WebSocketRefused,
                    $"{where} has no WebSocket endpoint at {WebSocketEndpoint.Path} ({answer}): Device__HostName and Device__Port must name IoT Hub or an IoT Edge gateway (port 443)."),
                400 or 426 or 501 => new(HubErrorCode.WebSocketRefused,
                    $"{where} refused the WebSocket upgrade for sub-protocol '{subProtocol}' ({answer}): it does not serve this transport; choose another Device__Transport."),
                401 or 403 => new(HubErrorCode.NotAuthorized, $"{where} refused the WebSocket upgrade ({answer})."),
                >= 500 => new(HubErrorCode.ServerUnavailable, $"{where} is unavailable ({answer} to the WebSocket upgrade); retrying."),
                _ => new(HubErrorCode.WebSocketRefused, $"{where} answered the WebSocket upgrade with {answer}."),
            };
        }

#pragma warning disable CA5350 // RFC 6455 4.2.2 defines Sec-WebSocket-Accept with SHA-1; it proves a WebSocket server answered, not integrity
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
#pragma warning restore CA5350
        if (!string.Equals(answer["Upgrade"], "websocket", StringComparison.OrdinalIgnoreCase) || answer["Sec-WebSocket-Accept"] != expected)
        {
            return new(HubErrorCode.WebSocketRefused, $"{where} answered 101 without a valid WebSocket upgrade (Upgrade or Sec-WebSocket-Accept wrong).");
        }

        return string.Equals(answer["Sec-WebSocket-Protocol"], subProtocol, StringComparison.OrdinalIgnoreCase)
            ? null
            : new(HubErrorCode.WebSocketRefused,
                $"{where} accepted the WebSocket without the sub-protocol '{subProtocol}' (it chose '{answer["Sec-WebSocket-Protocol"]}'): it does not serve this transport.");
    }
}
