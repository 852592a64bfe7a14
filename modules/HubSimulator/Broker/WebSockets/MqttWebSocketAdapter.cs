using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace HubSimulator.Broker.WebSockets;

/// <summary>
/// Hands MQTT-over-WebSocket connections to the same MQTTnet server as the TLS endpoint (<see cref="TlsListener"/>),
/// so the hub's rules apply unchanged: the CONNECT check with the certificate and chain captured in the TLS handshake
/// (<see cref="ClientChains"/>), one connection per device (session takeover), topics and size limits. The
/// WebSocket's binary messages are one byte stream to MQTTnet, as the MQTT spec (6.0) allows packets across frames.
/// </summary>
public sealed class MqttWebSocketAdapter : IMqttServerAdapter
{
    MqttServerOptions? serverOptions;
    IMqttNetLogger? mqttLogger;

    /// <inheritdoc />
    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <inheritdoc />
    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        serverOptions = options;
        mqttLogger = logger;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Serves MQTT on an accepted WebSocket until the device or the server ends the connection.</summary>
    public async Task ServeAsync(WebSocket socket, EndPoint local, EndPoint remote, X509Certificate2? clientCertificate)
    {
        if (ClientHandler is not { } handler || serverOptions is null)
        {
            return; // not started yet, or stopping
        }

        await using var stream = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
        var channel = new MqttTcpChannel(stream, local, remote, clientCertificate);
        using var adapter = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(new MqttBufferWriter(serverOptions.WriterBufferSize, serverOptions.WriterBufferSizeMax)), mqttLogger);
        await handler(adapter);
    }
}
