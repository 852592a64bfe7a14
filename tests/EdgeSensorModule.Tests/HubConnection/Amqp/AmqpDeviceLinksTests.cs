using EdgeSensorModule.HubConnection.Amqp;
using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace EdgeSensorModule.Tests.HubConnection.Amqp;

/// <summary>The device's link settings against the C# SDK's (AmqpIotSession): addresses, termini, settle modes, link properties.</summary>
public sealed class AmqpDeviceLinksTests
{
    readonly AmqpDeviceLinks links = new("hub.example", 5671, "dev 1", "EdgeSensorModule/1.0");

    [Fact]
    public void TwinPair_SharesOneChannelCorrelationIdAndIsSettledOnSend()
    {
        var channel = AmqpDeviceLinks.NewChannel("twin");

        var sender = links.TwinSender(channel);
        var receiver = links.TwinReceiver(channel);

        Assert.StartsWith("twin:", channel, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(channel["twin:".Length..], out _));
        Assert.Equal(channel, sender.Properties[AmqpCloudLinks.ChannelCorrelationIdProperty]);
        Assert.Equal(channel, receiver.Properties[AmqpCloudLinks.ChannelCorrelationIdProperty]);
        Assert.Equal("amqps://hub.example:5671/devices/dev%201/twin", ((Target)sender.Target).Address.ToString());
        Assert.Equal("amqps://hub.example:5671/devices/dev%201/twin", ((Source)receiver.Source).Address.ToString());
        Assert.Equal("dev 1", ((Source)sender.Source).Address.ToString());
        Assert.Equal("dev 1", ((Target)receiver.Target).Address.ToString());
        Assert.All([sender, receiver], s =>
        {
            Assert.Equal((byte)SenderSettleMode.Settled, s.SndSettleMode);
            Assert.Equal((byte)ReceiverSettleMode.First, s.RcvSettleMode);
            Assert.Equal(AmqpEndpoints.ApiVersion, s.Properties[AmqpEndpoints.ApiVersionProperty]);
            Assert.Equal("EdgeSensorModule/1.0", s.Properties[AmqpEndpoints.ClientVersionProperty]);
        });
        Assert.False(sender.Role);
        Assert.True(receiver.Role);
    }

    [Fact]
    public void MethodsPair_IsOnTheDeviceboundMethodsPath()
    {
        var channel = AmqpDeviceLinks.NewChannel("methods");

        var receiver = links.MethodsReceiver(channel);

        Assert.Equal(AmqpCloudLinks.Kind.Methods, AmqpCloudLinks.Parse(((Source)receiver.Source).Address.ToString(), out var deviceId));
        Assert.Equal(AmqpCloudLinks.Kind.Methods, AmqpCloudLinks.Parse(((Target)links.MethodsSender(channel).Target).Address.ToString(), out _));
        Assert.Equal("dev 1", deviceId);
        Assert.Equal(channel, receiver.Properties[AmqpCloudLinks.ChannelCorrelationIdProperty]);
    }

    [Fact]
    public void CloudToDevice_IsSettledByTheDeviceAndAttachesWithoutCreditAndWithASizeLimit()
    {
        var settings = links.CloudToDeviceReceiver();

        Assert.Equal(AmqpCloudLinks.Kind.CloudToDevice, AmqpCloudLinks.Parse(((Source)settings.Source).Address.ToString(), out _));
        Assert.Null(settings.SndSettleMode);
        Assert.Equal((byte)ReceiverSettleMode.Second, settings.RcvSettleMode);
        Assert.Equal(SettleMode.SettleOnDispose, settings.SettleType);
        Assert.Equal(0u, settings.TotalLinkCredit);
        Assert.False(settings.AutoSendFlow);
        Assert.Equal(AmqpDeviceLinks.MaxInboundMessageBytes, settings.MaxMessageSize);
        Assert.False(settings.Properties.TryGetValue<string>(AmqpCloudLinks.ChannelCorrelationIdProperty, out _));
    }

    [Fact]
    public void Telemetry_IsUnsettledOnTheEventsPath()
    {
        var settings = links.Telemetry();

        Assert.True(AmqpEndpoints.TryParseTelemetryAddress(((Target)settings.Target).Address.ToString(), out var deviceId));
        Assert.Equal("dev 1", deviceId);
        Assert.Null(settings.SndSettleMode);
        Assert.Equal(SettleMode.SettleOnReceive, settings.SettleType);
    }
}
