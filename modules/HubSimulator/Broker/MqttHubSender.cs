using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace HubSimulator.Broker;

/// <summary>
/// Publishes hub-originated messages (twin answers, desired patches, method requests, cloud-to-device) to one MQTT
/// device. IoT Hub's device topics (<c>$iothub/twin/res/#</c>, ...) are the same for every device, so each message is
/// tagged with its receiver and <see cref="AcceptsDelivery"/> keeps it from the others. Nothing is kept in the MQTT
/// session of a device that is offline.
/// </summary>
public sealed class MqttHubSender
{
    const string HubSenderPrefix = "$hub/";

    MqttServer? server;

    /// <summary>Binds the sender to the running server.</summary>
    public void Attach(MqttServer mqttServer) => server = mqttServer;

    /// <summary>Publishes to one device (QoS 1) if it is connected; dropped otherwise (see <see cref="AcceptsDelivery"/>).</summary>
    public async Task SendAsync(string deviceId, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var mqtt = server ?? throw new InvalidOperationException("The MQTT server is not running.");
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await mqtt.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = HubSenderPrefix + deviceId }, cancellationToken);
    }

    /// <summary>Closes a device's MQTT connection (its session stays).</summary>
    public async Task DisconnectAsync(string deviceId)
    {
        if (server is { } mqtt)
        {
            await mqtt.DisconnectClientAsync(deviceId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.SessionTakenOver });
        }
    }

    /// <summary>True for messages the hub sent through this sender.</summary>
    public static bool IsFromHub(string senderClientId) => senderClientId.StartsWith(HubSenderPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The enqueue filter: hub messages reach only their device, and only while it is connected; devices never receive
    /// each other's publishes.
    /// </summary>
    public static bool AcceptsDelivery(string senderClientId, string receiverClientId, bool receiverConnected) =>
        receiverConnected
        && senderClientId.StartsWith(HubSenderPrefix, StringComparison.Ordinal)
        && senderClientId.AsSpan(HubSenderPrefix.Length).SequenceEqual(receiverClientId);
}
