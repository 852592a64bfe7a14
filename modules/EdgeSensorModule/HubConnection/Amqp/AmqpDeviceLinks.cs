using IotHub.Amqp;
using IotHub.Protocol;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// The settings of the device's links as the C# SDK attaches them (AmqpIotSession, AmqpUnit): addresses
/// <c>amqps://{host}:{port}/devices/{id}/...</c>, the device id as the local terminus, client-version and api-version
/// link properties, the Plug and Play model id on the sending links; twin and methods pairs share a <c>channel-correlation-id</c> and are settled on send, C2D is
/// settled by the device (receiver settle mode second).
/// </summary>
internal sealed class AmqpDeviceLinks(string host, int port, string deviceId, string productInfo)
{
    /// <summary>
    /// Largest message taken on a receiving link: IoT Hub's largest (a 256 KiB message; C2D is 64 KiB, a method
    /// payload 128 KiB) plus room for properties. A bigger one closes that link only, never the connection.
    /// </summary>
    public const ulong MaxInboundMessageBytes = MqttConnectionIdentity.MaxMessageBytes + 64 * 1024;

    /// <summary>
    /// The credit a receiving link gives once its attach is confirmed (the C# SDK's prefetch). Not before: a hub on
    /// Microsoft.Azure.Amqp that refuses a link ends the whole session, telemetry link included, when a flow arrives
    /// for it (its ErrorLink throws on credit), so receivers attach with none (<see cref="AmqpHubClient"/> gives it).
    /// </summary>
    public const uint ReceiverCredit = AmqpCloudLinks.CloudToDeviceCredit;

    /// <summary>Telemetry: unsettled, completed by the hub's Accepted.</summary>
    public AmqpLinkSettings Telemetry() => Sender(AmqpEndpoints.TelemetryPath(deviceId), "TelemetrySenderLink", channel: null, settled: false);

    /// <summary>The twin pair's sender (requests).</summary>
    public AmqpLinkSettings TwinSender(string channel) => Sender(AmqpCloudLinks.TwinPath(deviceId), "TwinSenderLink", channel, settled: true);

    /// <summary>The twin pair's receiver (answers and desired pushes).</summary>
    public AmqpLinkSettings TwinReceiver(string channel) =>
        Receiver(AmqpCloudLinks.TwinPath(deviceId), "TwinReceiverLink", channel, SenderSettleMode.Settled, ReceiverSettleMode.First);

    /// <summary>The methods pair's sender (answers).</summary>
    public AmqpLinkSettings MethodsSender(string channel) => Sender(AmqpCloudLinks.MethodsPath(deviceId), "MethodsSenderLink", channel, settled: true);

    /// <summary>The methods pair's receiver (calls).</summary>
    public AmqpLinkSettings MethodsReceiver(string channel) =>
        Receiver(AmqpCloudLinks.MethodsPath(deviceId), "MethodsReceiverLink", channel, SenderSettleMode.Settled, ReceiverSettleMode.First);

    /// <summary>Cloud-to-device messages: the hub sends unsettled, the device settles (Accepted = complete).</summary>
    public AmqpLinkSettings CloudToDeviceReceiver() =>
        Receiver(AmqpCloudLinks.CloudToDevicePath(deviceId), "TelemetryReceiverLink", channel: null, sender: null, ReceiverSettleMode.Second);

    /// <summary>A fresh <c>channel-correlation-id</c> for a twin (<paramref name="kind"/> <c>twin</c>) or methods (<c>methods</c>) pair.</summary>
    public static string NewChannel(string kind) => $"{kind}:{Guid.NewGuid()}";

    AmqpLinkSettings Sender(string path, string name, string? channel, bool settled)
    {
        var settings = new AmqpLinkSettings
        {
            LinkName = $"{name}_{Guid.NewGuid():N}",
            Role = false,
            InitialDeliveryCount = 0,
            Source = new Source { Address = deviceId },
            Target = new Target { Address = AmqpCloudLinks.Address(host, port, path) },
            Properties = Properties(channel),
        };
        settings.Properties.Add(AmqpCloudLinks.ModelIdProperty, Twin.DeviceModel.Id); // the Plug and Play model, on sending links as the C# SDK sends it
        if (settled)
        {
            settings.SndSettleMode = (byte)SenderSettleMode.Settled;
            settings.RcvSettleMode = (byte)ReceiverSettleMode.First;
        }

        return settings;
    }

    AmqpLinkSettings Receiver(string path, string name, string? channel, SenderSettleMode? sender, ReceiverSettleMode receiver) => new()
    {
        LinkName = $"{name}_{Guid.NewGuid():N}",
        Role = true,
        TotalLinkCredit = 0,
        AutoSendFlow = false,
        MaxMessageSize = MaxInboundMessageBytes,
        Source = new Source { Address = AmqpCloudLinks.Address(host, port, path) },
        Target = new Target { Address = deviceId },
        SndSettleMode = sender is { } mode ? (byte)mode : null,
        RcvSettleMode = (byte)receiver,
        Properties = Properties(channel),
    };

    Fields Properties(string? channel)
    {
        var properties = new Fields
        {
            { AmqpEndpoints.ClientVersionProperty, productInfo },
            { AmqpEndpoints.ApiVersionProperty, AmqpEndpoints.ApiVersion },
        };
        if (channel is not null)
        {
            properties.Add(AmqpCloudLinks.ChannelCorrelationIdProperty, channel);
        }

        return properties;
    }
}
