using System.Text;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace IotHub.Amqp;

/// <summary>The bytes of an AMQP message's body, whichever way the peer sent it (the SDKs send data sections).</summary>
public static class AmqpMessageBody
{
    /// <summary>The data sections joined, or a string or binary <c>amqp-value</c>; empty for anything else.</summary>
    public static byte[] Read(AmqpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = message.BodyType;
        if (type.HasFlag(SectionFlag.Data) && message.DataBody is { } sections)
        {
            using var joined = new MemoryStream();
            foreach (var data in sections)
            {
                if (data.Value is ArraySegment<byte> segment)
                {
                    joined.Write(segment);
                }
                else if (data.Value is byte[] bytes)
                {
                    joined.Write(bytes);
                }
            }

            return joined.ToArray();
        }

        return type.HasFlag(SectionFlag.AmqpValue) ? message.ValueBody?.Value switch
        {
            string text => Encoding.UTF8.GetBytes(text),
            byte[] bytes => bytes,
            ArraySegment<byte> segment => segment.ToArray(),
            _ => [],
        } : [];
    }
}
