using System.Collections.Concurrent;
using HubSimulator.Cloud;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace HubSimulator.Broker.Amqp;

/// <summary>
/// A device's cloud-to-device receiver link (<c>/devices/{id}/messages/devicebound</c>), the hub's sending end. Each
/// queued message goes out unsettled with a 16-byte GUID delivery tag (the SDKs' lock token) and stays queued until
/// the device settles it: Accepted completes, Released (or Modified) abandons and it is sent again, Rejected drops it
/// (IoT Hub's C2D outcomes; edgeHub maps them the same way).
/// </summary>
public sealed class AmqpCloudToDeviceLink(string deviceId, SendingAmqpLink link, CloudToDeviceMessages queue)
{
    readonly ConcurrentDictionary<Guid, string> inFlight = new();

    /// <summary>True while the link is open.</summary>
    public bool IsOpen => link.State == AmqpObjectState.Opened;

    /// <summary>Starts listening for the device's settlements.</summary>
    public void Start() => link.RegisterDispositionListener(OnDisposition);

    /// <summary>Sends a queued message, marked taken first so a settlement cannot race ahead of the mark.</summary>
    public void Send(CloudToDeviceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var tag = Guid.NewGuid();
        inFlight[tag] = message.MessageId;
        queue.TakenById(deviceId, message.MessageId);
        link.SendMessageNoWait(ToAmqp(message), new ArraySegment<byte>(tag.ToByteArray()), AmqpConstants.NullBinary);
    }

    /// <summary>The AMQP form of a C2D message: message-id, absolute-expiry-time, application properties, one data section.</summary>
    public static AmqpMessage ToAmqp(CloudToDeviceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var amqp = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(message.Body) });
        amqp.Properties.MessageId = message.MessageId;
        amqp.Properties.AbsoluteExpiryTime = message.ExpiresAt.UtcDateTime;
        foreach (var (key, value) in message.Properties)
        {
            amqp.ApplicationProperties.Map[key] = value;
        }

        return amqp;
    }

    /// <summary>The link closed with messages unsettled: they are abandoned, to be delivered again.</summary>
    public void AbandonInFlight()
    {
        foreach (var tag in inFlight.Keys)
        {
            if (inFlight.TryRemove(tag, out var messageId))
            {
                queue.Settled(deviceId, messageId, CloudToDeviceSettlement.Abandon);
            }
        }
    }

    void OnDisposition(Delivery delivery)
    {
        var settlement = delivery.State switch
        {
            Accepted => CloudToDeviceSettlement.Complete,
            Rejected => CloudToDeviceSettlement.Reject,
            Released or Modified => CloudToDeviceSettlement.Abandon,
            _ => (CloudToDeviceSettlement?)null, // e.g. Received: not an outcome yet
        };
        if (settlement is null)
        {
            return;
        }

        if (!delivery.Settled)
        {
            link.DisposeDelivery(delivery, true, delivery.State); // the device asked to settle second (rcv-settle-mode second)
        }

        var tag = delivery.DeliveryTag;
        if (tag.Count != 16 || !inFlight.TryRemove(new Guid(tag.AsSpan()), out var messageId))
        {
            return;
        }

        queue.Settled(deviceId, messageId, settlement.Value);
        if (settlement == CloudToDeviceSettlement.Abandon)
        {
            _ = queue.DeliverAsync(deviceId);
        }
    }
}
