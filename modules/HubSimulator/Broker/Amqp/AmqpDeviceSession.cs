using System.Text;
using System.Text.Json.Nodes;
using HubSimulator.Cloud;
using IotHub.Amqp;
using Microsoft.Azure.Amqp;

namespace HubSimulator.Broker.Amqp;

/// <summary>
/// One device's AMQP connection as the cloud services reach it: the hub's sending ends of the device's twin,
/// methods and cloud-to-device receiver links, once the device attached them. Twin and method messages are sent as
/// the link was attached (the SDKs ask for pre-settled, at most once); a desired patch only after the device's PUT of
/// <c>/notifications/twin/properties/desired</c>, and never queued.
/// </summary>
public sealed class AmqpDeviceSession(string deviceId, AmqpConnection connection) : IDeviceSession
{
    volatile bool desiredSubscribed;

    /// <summary>The device.</summary>
    public string DeviceId { get; } = deviceId;

    /// <summary>The connection its links live on.</summary>
    public AmqpConnection Connection { get; } = connection;

    /// <inheritdoc />
    public string Transport => "AMQP";

    /// <inheritdoc />
    public bool ReceivesMethods => Methods is { State: AmqpObjectState.Opened };

    /// <summary>The device's twin receiver link: answers and desired pushes go here.</summary>
    public SendingAmqpLink? Twin { get; set; }

    /// <summary>The device's methods receiver link: calls go here.</summary>
    public SendingAmqpLink? Methods { get; set; }

    /// <summary>The device's C2D receiver link.</summary>
    public AmqpCloudToDeviceLink? CloudToDevice { get; set; }

    /// <summary>Desired pushes on (the device's PUT) or off (DELETE, or its twin link closed).</summary>
    public void SubscribeDesired(bool on) => desiredSubscribed = on;

    /// <summary>Sends a twin answer; dropped when the device has no twin receiver link (it cannot read one).</summary>
    public bool TryAnswerTwin(AmqpMessage answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (Twin is not { State: AmqpObjectState.Opened } link)
        {
            return false;
        }

        link.SendMessageNoWait(answer, NewTag(), AmqpConstants.NullBinary);
        return true;
    }

    /// <inheritdoc />
    public Task PushDesiredAsync(JsonObject patch, long version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (desiredSubscribed && Twin is { State: AmqpObjectState.Opened } link)
        {
            link.SendMessageNoWait(AmqpTwinRequests.DesiredPush(Encoding.UTF8.GetBytes(patch.ToJsonString())), NewTag(), AmqpConstants.NullBinary);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SendMethodRequestAsync(string method, Guid requestId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (Methods is not { State: AmqpObjectState.Opened } link)
        {
            return Task.CompletedTask; // detached meanwhile: the call times out, as a request lost on the way would
        }

        var request = AmqpMessage.Create(new Microsoft.Azure.Amqp.Framing.Data { Value = new ArraySegment<byte>(payload.ToArray()) });
        request.Properties.CorrelationId = requestId; // an AMQP uuid: the C# SDK reads it as a Guid, Node as a 16-byte buffer
        request.ApplicationProperties.Map[AmqpCloudLinks.MethodNameProperty] = method;
        link.SendMessageNoWait(request, NewTag(), AmqpConstants.NullBinary);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SendCloudToDeviceAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        if (CloudToDevice is { IsOpen: true } link)
        {
            link.Send(message);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Close(string reason) =>
        Connection.SafeClose(new AmqpException(AmqpErrors.ConnectionForced, $"Device '{DeviceId}': {reason}."));

    static ArraySegment<byte> NewTag() => new(Guid.NewGuid().ToByteArray());
}
