using Microsoft.Azure.Amqp;

namespace IotHub.Amqp;

/// <summary>
/// An outgoing AMQP message whose sections are encoded once, into one array, when it is made. The library's own
/// outgoing messages (<see cref="AmqpMessage.Create(Microsoft.Azure.Amqp.Framing.Data)"/>) encode every section each
/// time their size is asked for, and <see cref="SendingAmqpLink"/> asks for it before encoding them again to send: two
/// encodings and two buffers per message. The sections are read back by nobody here (the hub decodes the transfer).
/// <see cref="TelemetrySections"/> writes a telemetry message's.
/// </summary>
public sealed class EncodedAmqpMessage : AmqpMessage
{
    readonly byte[] encoded;
    int sent;

    /// <summary>A message of <paramref name="encoded"/>: its sections, encoded (AMQP 1.0 part 3.2).</summary>
    public EncodedAmqpMessage(byte[] encoded) => this.encoded = encoded ?? throw new ArgumentNullException(nameof(encoded));

    /// <inheritdoc />
    public override long SerializedMessageSize => encoded.Length;

    /// <inheritdoc />
    public override ArraySegment<byte>[] GetPayload(int payloadSize, out bool more)
    {
        var count = Math.Min(payloadSize, encoded.Length - sent);
        more = sent + count < encoded.Length;
        return [new ArraySegment<byte>(encoded, sent, count)];
    }

    /// <inheritdoc />
    protected override void OnCompletePayload(int payloadSize) => sent += payloadSize;
}
