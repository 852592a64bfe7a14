using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;

namespace IotHub.Amqp;

/// <summary>
/// An outgoing AMQP message whose sections are encoded once, into one array, when it is made. The library's own
/// outgoing messages (<see cref="AmqpMessage.Create(Microsoft.Azure.Amqp.Framing.Data)"/>) encode every section each
/// time their size is asked for, and <see cref="SendingAmqpLink"/> asks for it before encoding them again to send: two
/// encodings and two buffers per message. The sections are read back by nobody here (the hub decodes the transfer).
/// </summary>
public sealed class EncodedAmqpMessage : AmqpMessage
{
    readonly byte[] encoded;
    int sent;

    EncodedAmqpMessage(byte[] encoded) => this.encoded = encoded;

    /// <inheritdoc />
    public override long SerializedMessageSize => encoded.Length;

    /// <summary>Encodes <paramref name="sections"/> in the order given (AMQP 1.0 3.2: header ... properties, application-properties, body).</summary>
    public static EncodedAmqpMessage Encode(params ReadOnlySpan<IAmqpSerializable> sections)
    {
        var size = 0;
        foreach (var section in sections)
        {
            size += AmqpCodec.GetSerializableEncodeSize(section);
        }

        var buffer = new ByteBuffer(new byte[size]);
        foreach (var section in sections)
        {
            AmqpCodec.EncodeSerializable(section, buffer);
        }

        return buffer.Length == size
            ? new EncodedAmqpMessage(buffer.Buffer)
            : throw new InvalidOperationException($"The sections took {buffer.Length} bytes to encode, not the {size} their sizes add up to.");
    }

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
