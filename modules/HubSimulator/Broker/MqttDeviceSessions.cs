using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using HubSimulator.Cloud;
using HubSimulator.Dashboard;
using IotHub.Protocol;
using MQTTnet.Server;

namespace HubSimulator.Broker;

/// <summary>
/// The MQTT devices' connections in <see cref="DeviceLink"/>: one <see cref="IDeviceSession"/> per connection, and
/// which sessions subscribed to direct methods (kept per MQTT session, which outlives a connection with CleanSession
/// false, as MQTTnet keeps the subscriptions themselves).
/// </summary>
public sealed class MqttDeviceSessions(DeviceLink link, MqttHubSender sender, DeviceConnections connections)
{
    readonly ConcurrentDictionary<string, Session> open = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, bool> methodSubscribers = new(StringComparer.Ordinal);

    /// <summary>Follows the server's connections and subscriptions; call before other connect handlers that deliver.</summary>
    public void Watch(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.ClientConnectedAsync += e =>
        {
            var session = new Session(e.ClientId, sender, methodSubscribers);
            open[e.ClientId] = session;
            link.Opened(e.ClientId, session);
            return Task.CompletedTask;
        };
        server.ClientDisconnectedAsync += e =>
        {
            // A takeover by a newer MQTT connection keeps the device online; its new session is already open.
            if (e.DisconnectType != MqttClientDisconnectType.Takeover && open.TryRemove(e.ClientId, out var session) && link.Closed(e.ClientId, session))
            {
                connections.Closed(e.ClientId);
            }

            return Task.CompletedTask;
        };
        server.ClientSubscribedTopicAsync += e =>
        {
            if (e.TopicFilter.Topic == MqttTopics.MethodRequestFilter)
            {
                methodSubscribers[e.ClientId] = true;
            }

            return Task.CompletedTask;
        };
        server.ClientUnsubscribedTopicAsync += e =>
        {
            if (e.TopicFilter == MqttTopics.MethodRequestFilter)
            {
                methodSubscribers.TryRemove(e.ClientId, out _);
            }

            return Task.CompletedTask;
        };
        server.SessionDeletedAsync += e =>
        {
            methodSubscribers.TryRemove(e.Id, out _);
            return Task.CompletedTask;
        };
    }

    /// <summary>One MQTT connection of a device: hub messages are publishes on the device topics it subscribed to.</summary>
    sealed class Session(string deviceId, MqttHubSender sender, ConcurrentDictionary<string, bool> methodSubscribers) : IDeviceSession
    {
        public string Transport => "MQTT";

        public bool ReceivesMethods => methodSubscribers.ContainsKey(deviceId);

        public Task PushDesiredAsync(JsonObject patch, long version, CancellationToken cancellationToken = default) =>
            sender.SendAsync(deviceId, MqttTopics.TwinDesiredPatch(version), Encoding.UTF8.GetBytes(patch.ToJsonString()), cancellationToken);

        public Task SendMethodRequestAsync(string method, Guid requestId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
            sender.SendAsync(deviceId, MqttTopics.MethodRequest(method, requestId.ToString("N")), payload, cancellationToken);

        // Taken when MQTTnet enqueues it for the subscribed session (HubServer's enqueue filter), completed on its PUBACK.
        public Task SendCloudToDeviceAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default) =>
            sender.SendAsync(deviceId, message.Topic, message.Body, cancellationToken);

        public void Close(string reason) => _ = sender.DisconnectAsync(deviceId);
    }
}
