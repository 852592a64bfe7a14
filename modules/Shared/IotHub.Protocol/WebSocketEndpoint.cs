namespace IotHub.Protocol;

/// <summary>
/// IoT Hub's WebSocket endpoint, shared by MQTT and AMQP for networks that open only HTTPS (C# SDK
/// Transport/WebSocketConstants.cs; Node SDK mqtt_ws.ts and amqp_ws.ts): <c>wss://{host}:443/$iothub/websocket</c>, no
/// query string, no extra headers; the device authenticates with its TLS client certificate and in-protocol.
/// </summary>
public static class WebSocketEndpoint
{
    /// <summary>The HTTPS port of IoT Hub and edgeHub.</summary>
    public const int Port = 443;

    /// <summary>The upgrade request's path, the same for both protocols.</summary>
    public const string Path = "/$iothub/websocket";

    /// <summary>
    /// Sub-protocol of MQTT over WebSocket as the C# and Node SDKs send it; the C SDK sends "MQTT", so servers match it
    /// case-insensitively (edgeHub does; see <see cref="IsMqtt"/>).
    /// </summary>
    public const string MqttSubProtocol = "mqtt";

    /// <summary>Sub-protocol of AMQP 1.0 over WebSocket (all SDKs).</summary>
    public const string AmqpSubProtocol = "AMQPWSB10";

    /// <summary>True for <see cref="MqttSubProtocol"/> in any case.</summary>
    public static bool IsMqtt(string subProtocol) => string.Equals(subProtocol, MqttSubProtocol, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for <see cref="AmqpSubProtocol"/> in any case.</summary>
    public static bool IsAmqp(string subProtocol) => string.Equals(subProtocol, AmqpSubProtocol, StringComparison.OrdinalIgnoreCase);
}
