using EdgeSensorModule.Configuration;
using IotHub.Amqp;
using IotHub.Protocol;

namespace EdgeSensorModule.HubConnection;

/// <summary>The protocol a connection to the hub carries, as far as the layers below it (TLS, WebSocket) need to know.</summary>
internal enum HubProtocol
{
    /// <summary>MQTT 3.1.1: <see cref="HubTransportKind.Mqtt"/> and <see cref="HubTransportKind.MqttWebSocket"/>.</summary>
    Mqtt,

    /// <summary>AMQP 1.0: <see cref="HubTransportKind.Amqp"/> and <see cref="HubTransportKind.AmqpWebSocket"/>.</summary>
    Amqp,
}

/// <summary>What differs between the protocols below them: the TLS port, the WebSocket sub-protocol, the server's first answer, the framing the stream may check.</summary>
internal static class HubProtocols
{
    /// <summary>The protocol of a <c>Device__Transport</c>.</summary>
    public static HubProtocol Of(HubTransportKind transport) =>
        transport is HubTransportKind.Amqp or HubTransportKind.AmqpWebSocket ? HubProtocol.Amqp : HubProtocol.Mqtt;

    /// <summary>The port of the protocol straight over TLS: 8883 or 5671.</summary>
    public static int TlsPort(this HubProtocol protocol) =>
        protocol == HubProtocol.Amqp ? AmqpEndpoints.AmqpTlsPort : MqttConnectionIdentity.MqttTlsPort;

    /// <summary>The WebSocket sub-protocol: <c>mqtt</c> or <c>AMQPWSB10</c>.</summary>
    public static string SubProtocol(this HubProtocol protocol) =>
        protocol == HubProtocol.Amqp ? WebSocketEndpoint.AmqpSubProtocol : WebSocketEndpoint.MqttSubProtocol;

    /// <summary>What the server sends first, for messages about a connection that ended before it.</summary>
    public static string FirstAnswer(this HubProtocol protocol) => protocol == HubProtocol.Amqp ? "the AMQP header" : "CONNACK";

    /// <summary>
    /// The check on MQTT's framing of what the server sends (<see cref="InboundPacketLimit"/>), for MQTT only: AMQP's
    /// frames are bounded by the connection's max-frame-size, which Microsoft.Azure.Amqp enforces itself.
    /// </summary>
    public static InboundPacketLimit? InboundLimit(this HubProtocol protocol) =>
        protocol == HubProtocol.Mqtt ? new InboundPacketLimit(MqttLimits.MaxInboundPacketBytes) : null;
}
