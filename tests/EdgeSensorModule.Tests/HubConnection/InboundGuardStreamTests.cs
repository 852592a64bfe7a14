using EdgeSensorModule.HubConnection;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>The stream every transport reads the hub through: MQTT's packet limit applies to MQTT only, never to AMQP frames.</summary>
public sealed class InboundGuardStreamTests
{
    // Read as MQTT: a packet type byte, then a remaining length of 268,435,455 bytes (0xFF 0xFF 0xFF 0x7F).
    static readonly byte[] LooksLikeAHugeMqttPacket = [0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0x53, 0x10];

    [Fact]
    public async Task Read_MqttStreamDeclaringAnOversizedPacket_IsRefusedBeforeItsBody()
    {
        await using var guard = new InboundGuardStream(new MemoryStream(LooksLikeAHugeMqttPacket), "hub:8883", clientCertificateSent: true, HubProtocol.Mqtt);

        var refusal = await Assert.ThrowsAsync<HubException>(() => guard.ReadAsync(new byte[16]).AsTask());

        Assert.Contains("sent an MQTT packet of 268435455 bytes", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AmqpStreamWithTheSameBytes_PassesThemThrough()
    {
        await using var guard = new InboundGuardStream(new MemoryStream(LooksLikeAHugeMqttPacket), "hub:5671", clientCertificateSent: true, HubProtocol.Amqp);
        var buffer = new byte[16];

        var count = await guard.ReadAsync(buffer);

        Assert.Equal(LooksLikeAHugeMqttPacket, buffer[..count]);
    }

    [Fact]
    public async Task Read_AmqpServerClosingRightAfterTheHandshake_IsItsVerdictOnTheCertificateBeforeTheAmqpHeader()
    {
        await using var guard = new InboundGuardStream(new MemoryStream(), "hub:5671", clientCertificateSent: true, HubProtocol.Amqp);

        var refusal = await Assert.ThrowsAsync<HubException>(() => guard.ReadAsync(new byte[16]).AsTask());

        Assert.Equal(HubErrorCode.ClientCertificateRejected, refusal.ErrorCode);
        Assert.Contains("before the AMQP header", refusal.Message, StringComparison.Ordinal);
    }
}
