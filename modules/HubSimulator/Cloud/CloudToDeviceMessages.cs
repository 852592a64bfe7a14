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
public sealed record CloudToDeviceMessage(string MessageId, string Topic, byte[] Body, DateTimeOffset ExpiresAt);

/// <summary>
/// IoT Hub's cloud-to-device queue, per device: at most <see cref="MaxDepth"/> messages (enqueued and not yet completed;
/// the next one is refused, 403 DeviceMaximumQueueDepthExceeded), each with a time to live after which it is dropped.
/// A message is handed to the device while it is connected and subscribed, and stays in the queue until the device
/// completes it (its PUBACK).
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
        IEnumerable<KeyValuePair<string, string>> bag =
        [
            new(SystemProperties.MessageId, messageId),
            new(SystemProperties.ExpiryTimeUtc, expiresAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)),
            .. properties,
        ];
        var message = new CloudToDeviceMessage(messageId, MqttTopics.CloudToDevicePrefix(deviceId) + PropertyBag.Encode(bag), Encoding.UTF8.GetBytes(body), expiresAt);
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
    /// Hands the device every queued message it has not taken yet, oldest first. <see cref="DeviceLink"/> passes them
    /// only to a connected device; what its session takes is marked by <see cref="Taken"/>, the rest waits.
    /// </summary>
    public async Task DeliverAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        var sender = senders.GetOrAdd(deviceId, _ => new SemaphoreSlim(1, 1));
        await sender.WaitAsync(cancellationToken);
        try
        {
            foreach (var message in Untaken(deviceId))
            {
                await link.SendAsync(deviceId, message.Topic, message.Body, cancellationToken);
            }
        }
        finally
        {
            sender.Release();
        }
    }

    /// <summary>The device's session took the message on <paramref name="topic"/> (no-op for other topics).</summary>
    public void Taken(string deviceId, string topic) => Update(deviceId, topic, (queue, entry) => entry.Taken = true);

    /// <summary>The device completed the message on <paramref name="topic"/> (its PUBACK): it leaves the queue.</summary>
    public void Completed(string deviceId, string topic) => Update(deviceId, topic, (queue, entry) => queue.Remove(entry));

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

    void Update(string deviceId, string topic, Action<List<Entry>, Entry> change)
    {
        var prefix = MqttTopics.CloudToDevicePrefix(deviceId);
        if (!topic.StartsWith(prefix, StringComparison.Ordinal))
        {
            return;
        }

        var messageId = PropertyBag.Decode(topic[prefix.Length..]).Where(p => p.Key == SystemProperties.MessageId).Select(p => p.Value).FirstOrDefault();
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
