using EdgeSensorModule.HubConnection;
using IotHub.Protocol;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>The framing that refuses an oversized packet on its fixed header, whatever sizes the reads come in.</summary>
public sealed class InboundPacketLimitTests
{
    [Fact]
    public void Accepts_PacketsUpToTheLimitReadOneByteAtATime_AcceptsEveryByte()
    {
        var limit = new InboundPacketLimit(MqttLimits.MaxInboundPacketBytes);
        byte[] stream = [.. MqttBytes.ConnAckAccepted, .. Publish(MqttLimits.MaxInboundPacketBytes), .. MqttBytes.ConnAckAccepted];

        Assert.All(stream, value => Assert.True(limit.Accepts([value], out _)));
    }

    [Fact]
    public void Accepts_BodyBytesThatLookLikeAnOversizedHeader_AreReadAsBody()
    {
        var limit = new InboundPacketLimit(16);
        byte[] publish = [0x30, 0x05, 0x30, 0xFF, 0xFF, 0xFF, 0x7F];

        Assert.True(limit.Accepts(publish, out _));
    }

    [Fact]
    public void Accepts_LengthOverTheLimit_IsRefusedOnItsLastLengthByteWithTheDeclaredLength()
    {
        var limit = new InboundPacketLimit(MqttLimits.MaxInboundPacketBytes);
        var header = MqttBytes.PublishHeader(MqttLimits.MaxInboundPacketBytes + 1);
        Assert.True(limit.Accepts([.. MqttBytes.ConnAckAccepted, .. header[..3]], out _));

        var accepted = limit.Accepts(header.AsSpan(3), out var declared);

        Assert.False(accepted);
        Assert.Equal(MqttLimits.MaxInboundPacketBytes + 1, declared);
    }

    static byte[] Publish(int remainingLength) => [.. MqttBytes.PublishHeader(remainingLength), .. new byte[remainingLength]];
}
