using System.Text.Json.Nodes;

namespace HubSimulator.Cloud;

/// <summary>
/// A device's open connection as the cloud services reach it, whatever its transport: MQTT publishes on the hub's
/// device topics, AMQP messages on the device's twin, methods and cloud-to-device links. One implementation per
/// transport; <see cref="DeviceLink"/> holds the current one of each device.
/// </summary>
public interface IDeviceSession
{
    /// <summary>The transport's name for logs and refusals (<c>MQTT</c>, <c>AMQP</c>).</summary>
    string Transport { get; }

    /// <summary>True when the device can take direct method calls now (MQTT: subscribed; AMQP: methods links attached).</summary>
    bool ReceivesMethods { get; }

    /// <summary>Pushes a desired patch (with its <c>$version</c>) if the device asked for them; dropped otherwise, never queued.</summary>
    Task PushDesiredAsync(JsonObject patch, long version, CancellationToken cancellationToken = default);

    /// <summary>Sends a method call; the answer comes back through <see cref="MethodCalls.Complete"/>.</summary>
    Task SendMethodRequestAsync(string method, Guid requestId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>Hands a queued cloud-to-device message to the device if it receives them; it stays queued until settled.</summary>
    Task SendCloudToDeviceAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default);

    /// <summary>Closes the connection: a newer one of the same device, over another transport, took over.</summary>
    void Close(string reason);
}
