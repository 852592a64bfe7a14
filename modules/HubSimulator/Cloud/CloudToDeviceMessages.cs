using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;

namespace HubSimulator.Cloud;

/// <summary>A cloud-to-device message waiting for its device.</summary>
/// <param name="MessageId">Its <c>$.mid</c>.</param>
/// <param name="Topic">The devicebound topic with its property bag.</param>
/// <param name="Body">The body.</param>
/// <param name="ExpiresAt">After this it is dropped, delivered or not (its <c>$.exp</c>).</param>
/// <param name="Properties">Its application properties (also in <paramref name="Topic"/>'s property bag).</param>
public sealed record CloudToDeviceMessage(string MessageId, string Topic, byte[] Body, DateTimeOffset ExpiresAt, IReadOnlyList<KeyValuePair<string, string>> Properties);

/// <summary>How a device settled a cloud-to-device message (AMQP outcomes; MQTT's PUBACK completes).</summary>
public enum CloudToDeviceSettlement
{
    /// <summary>Done with it (AMQP Accepted, MQTT PUBACK): it leaves the queue.</summary>
    Complete,

    /// <summary>Give it back (AMQP Released): it is delivered again.</summary>
    Abandon,

    /// <summary>Refuse it (AMQP Rejected): it leaves the queue undelivered.</summary>
    Reject,
}

/// <summary>
/// IoT Hub's cloud-to-device queue, per device: at most <see cref="MaxDepth"/> messages (enqueued and not yet completed;
/// the next one is refused, 403 DeviceMaximumQueueDepthExceeded), each with a time to live after which it is dropped.
/// A message is handed to the device's current connection (<see cref="DeviceLink"/>, any transport) while it receives
/// them (MQTT: subscribed; AMQP: its C2D link attached), and stays in the queue until the device completes it (MQTT
/// PUBACK, AMQP Accepted) or rejects it (AMQP Rejected); an abandoned one (AMQP Released) is delivered again.
/// </summary>
public sealed class CloudToDeviceMessages(DeviceLink link, TimeProvider clock)
{
    /// <summary>IoT Hub's per-device queue depth.</summary>
    public const int MaxDepth = 50;

    /// <summary>IoT Hub's default time to live.</summary>
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromHours(1);

    /// <summary>IoT Hub's longest time to live.</summary>
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(2);

    readonly Lock gate = new();
    readonly Dictionary<string, List<Entry>> queues = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, SemaphoreSlim> senders = new(StringComparer.Ordinal);

    /// <summary>Queues a message; null when the device's queue is full.</summary>
    public CloudToDeviceMessage? Enqueue(string deviceId, string body, IEnumerable<KeyValuePair<string, string>> properties, TimeSpan timeToLive)
    {
        var messageId = TelemetryContract.NewMessageId();
        var expiresAt = clock.GetUtcNow() + timeToLive;
        List<KeyValuePair<string, string>> application = [.. properties];
        IEnumerable<KeyValuePair<string, string>> bag =
        [
            new(SystemProperties.MessageId, messageId),
            new(SystemProperties.ExpiryTimeUtc, expiresAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)),
            .. application,
        ];
        var message = new CloudToDeviceMessage(messageId, MqttTopics.CloudToDevicePrefix(deviceId) + PropertyBag.Encode(bag), Encoding.UTF8.GetBytes(body), expiresAt, application);
        lock (gate)
        {
            var queue = Live(deviceId);
            if (queue.Count >= MaxDepth)
            {
                return null;
            }

            queue.Add(new Entry(message));
        }

        return message;
    }

    /// <summary>Messages queued for the device and not expired, delivered or not.</summary>
    public int Depth(string deviceId)
    {
        lock (gate)
        {
            return Live(deviceId).Count;
        }
    }

    /// <summary>
    /// Hands the device every queued message it has not taken yet, oldest first, if it is connected; what its
    /// connection takes is marked by <see cref="Taken(string, string)"/>, the rest waits.
    /// </summary>
    public async Task DeliverAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        var sender = senders.GetOrAdd(deviceId, _ => new SemaphoreSlim(1, 1));
        await sender.WaitAsync(cancellationToken);
        try
        {
            if (link.Find(deviceId) is not { } session)
            {
                return;
            }

            foreach (var message in Untaken(deviceId))
            {
                await session.SendCloudToDeviceAsync(message, cancellationToken);
            }
        }
        finally
        {
            sender.Release();
        }
    }

    /// <summary>The device's MQTT session took the message on <paramref name="topic"/> (no-op for other topics).</summary>
    public void Taken(string deviceId, string topic) => Update(deviceId, MessageIdOf(deviceId, topic), (queue, entry) => entry.Taken = true);

    /// <summary>The device completed the message on <paramref name="topic"/> (its PUBACK): it leaves the queue.</summary>
    public void Completed(string deviceId, string topic) => Update(deviceId, MessageIdOf(deviceId, topic), (queue, entry) => queue.Remove(entry));

    /// <summary>The device's connection took message <paramref name="messageId"/>: it is not handed out again unless abandoned or the connection is lost.</summary>
    public void TakenById(string deviceId, string messageId) => Update(deviceId, messageId, (queue, entry) => entry.Taken = true);

    /// <summary>The device settled message <paramref name="messageId"/>; an abandoned one waits to be delivered again.</summary>
    public void Settled(string deviceId, string messageId, CloudToDeviceSettlement settlement) => Update(deviceId, messageId, (queue, entry) =>
    {
        if (settlement == CloudToDeviceSettlement.Abandon)
        {
            entry.Taken = false;
        }
        else
        {
            queue.Remove(entry);
        }
    });

    /// <summary>The device's session is gone, with what it had not acknowledged: those messages wait to be sent again.</summary>
    public void SessionLost(string deviceId)
    {
        lock (gate)
        {
            foreach (var entry in Live(deviceId))
            {
                entry.Taken = false;
            }
        }
    }

    IReadOnlyList<CloudToDeviceMessage> Untaken(string deviceId)
    {
        lock (gate)
        {
            return [.. Live(deviceId).Where(e => !e.Taken).Select(e => e.Message)];
        }
    }

    static string? MessageIdOf(string deviceId, string topic)
    {
        var prefix = MqttTopics.CloudToDevicePrefix(deviceId);
        return topic.StartsWith(prefix, StringComparison.Ordinal)
            ? PropertyBag.Decode(topic[prefix.Length..]).Where(p => p.Key == SystemProperties.MessageId).Select(p => p.Value).FirstOrDefault()
            : null;
    }

    void Update(string deviceId, string? messageId, Action<List<Entry>, Entry> change)
    {
        if (messageId is null)
        {
            return;
        }

        lock (gate)
        {
            var queue = Live(deviceId);
            if (queue.Find(e => e.Message.MessageId == messageId) is { } entry)
            {
                change(queue, entry);
            }
        }
    }

    /// <summary>The device's queue without its expired messages (called under the lock).</summary>
    List<Entry> Live(string deviceId)
    {
        if (!queues.TryGetValue(deviceId, out var queue))
        {
            queue = [];
            queues[deviceId] = queue;
        }

        var now = clock.GetUtcNow();
        queue.RemoveAll(e => e.Message.ExpiresAt <= now);
        return queue;
    }

    sealed class Entry(CloudToDeviceMessage message)
    {
        public CloudToDeviceMessage Message { get; } = message;

        public bool Taken { get; set; }
    }
}
