using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using IotHub.Protocol;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace IotHub.Amqp;

/// <summary>
/// A telemetry message's sections (AMQP 1.0 part 3.2) written straight into one array, byte for byte as
/// Microsoft.Azure.Amqp encodes its <see cref="Properties"/>, <see cref="ApplicationProperties"/> and <see cref="Data"/>
/// (the tests compare the two), without building those objects, their maps and strings for every message:
/// the properties list with all 13 fields (message-id, content-type, content-encoding set, the rest null, as the library
/// writes it), the application-properties map (the creation time first, then the message's properties, all strings;
/// keys are unique), one data section with the body.
/// </summary>
internal static class TelemetrySections
{
    /// <summary>The properties list's fields: message-id, user-id, to, subject, reply-to, correlation-id, content-type, content-encoding, absolute-expiry-time, creation-time, group-id, group-sequence, reply-to-group-id.</summary>
    const int PropertiesFields = 13;

    /// <summary>Fields of the list before content-type (after message-id) and after content-encoding: written as null.</summary>
    const int NullsBeforeContentType = 5, NullsAfterContentEncoding = 5;

    /// <summary>Described-type constructor with a small-ulong descriptor: 0x00 0x53 code.</summary>
    const int DescriptorBytes = 3;

    /// <summary>The longest round-trip ("O") UTC time: 2026-12-02T14:30:00.0000000Z.</summary>
    const int MaxCreationTimeBytes = 28;

    public static byte[] Encode(HubMessage message)
    {
        Span<byte> created = stackalloc byte[MaxCreationTimeBytes];
        var createdLength = message.CreationTimeUtc is { } time
            && time.UtcDateTime.TryFormat(created, out var written, "O", CultureInfo.InvariantCulture) ? written : -1;
        var properties = message.ApplicationProperties;

        var listValue = VariableSize(Encoding.UTF8.GetByteCount(message.MessageId)) + NullsBeforeContentType
            + SymbolOrNullSize(message.ContentType) + SymbolOrNullSize(message.ContentEncoding) + NullsAfterContentEncoding;
        var entries = (createdLength >= 0 ? 1 : 0) + properties.Count;
        var mapValue = createdLength >= 0 ? StringSize(AmqpTelemetry.CreationTimeProperty) + VariableSize(createdLength) : 0;
        for (var i = 0; i < properties.Count; i++)
        {
            mapValue += StringSize(properties[i].Key) + StringSize(properties[i].Value);
        }

        var size = DescriptorBytes + CompoundSize(PropertiesFields, listValue)
            + (entries > 0 ? DescriptorBytes + CompoundSize(entries * 2, mapValue) : 0)
            + DescriptorBytes + VariableSize(message.Body.Length);
        var encoded = new byte[size];
        var at = 0;

        at = Descriptor(encoded, at, Properties.Code);
        at = CompoundHeader(encoded, at, FormatCode.List8, FormatCode.List32, PropertiesFields, listValue);
        at = Utf8(encoded, at, message.MessageId);
        at = Nulls(encoded, at, NullsBeforeContentType);
        at = SymbolOrNull(encoded, at, message.ContentType);
        at = SymbolOrNull(encoded, at, message.ContentEncoding);
        at = Nulls(encoded, at, NullsAfterContentEncoding);
        if (entries > 0)
        {
            at = Descriptor(encoded, at, ApplicationProperties.Code);
            at = CompoundHeader(encoded, at, FormatCode.Map8, FormatCode.Map32, entries * 2, mapValue);
            if (createdLength >= 0)
            {
                at = Utf8(encoded, at, AmqpTelemetry.CreationTimeProperty);
                at = Variable(encoded, at, FormatCode.String8Utf8, FormatCode.String32Utf8, created[..createdLength]);
            }

            for (var i = 0; i < properties.Count; i++)
            {
                at = Utf8(encoded, at, properties[i].Key);
                at = Utf8(encoded, at, properties[i].Value);
            }
        }

        at = Descriptor(encoded, at, Data.Code);
        at = Variable(encoded, at, FormatCode.Binary8, FormatCode.Binary32, message.Body.Span);
        return at == size ? encoded : throw new InvalidOperationException($"The sections took {at} bytes, not the {size} counted.");
    }

    /// <summary>Lists and maps take the one-byte size and count when both stay under 255 (the library's rule).</summary>
    static bool IsSmall(int count, int valueSize) => count < byte.MaxValue && valueSize < byte.MaxValue;

    static int CompoundSize(int count, int valueSize) => (IsSmall(count, valueSize) ? 1 + 1 + 1 : 1 + 4 + 4) + valueSize;

    /// <summary>Strings, symbols and binaries take a one-byte length up to 255 bytes.</summary>
    static int VariableSize(int length) => (length <= byte.MaxValue ? 1 + 1 : 1 + 4) + length;

    static int StringSize(string value) => VariableSize(Encoding.UTF8.GetByteCount(value));

    static int SymbolOrNullSize(string? value) => value is null ? 1 : VariableSize(Encoding.ASCII.GetByteCount(value));

    static int Descriptor(byte[] into, int at, ulong code)
    {
        into[at] = FormatCode.Described;
        into[at + 1] = FormatCode.SmallULong;
        into[at + 2] = checked((byte)code);
        return at + DescriptorBytes;
    }

    /// <summary>A list's or map's constructor, size (of the count and the values) and count.</summary>
    static int CompoundHeader(byte[] into, int at, byte small, byte large, int count, int valueSize)
    {
        if (IsSmall(count, valueSize))
        {
            into[at] = small;
            into[at + 1] = (byte)(1 + valueSize);
            into[at + 2] = (byte)count;
            return at + 3;
        }

        into[at] = large;
        BinaryPrimitives.WriteUInt32BigEndian(into.AsSpan(at + 1), (uint)(4 + valueSize));
        BinaryPrimitives.WriteUInt32BigEndian(into.AsSpan(at + 5), (uint)count);
        return at + 9;
    }

    static int Variable(byte[] into, int at, byte small, byte large, ReadOnlySpan<byte> value)
    {
        at = VariableHeader(into, at, small, large, value.Length);
        value.CopyTo(into.AsSpan(at));
        return at + value.Length;
    }

    static int Utf8(byte[] into, int at, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        at = VariableHeader(into, at, FormatCode.String8Utf8, FormatCode.String32Utf8, length);
        return at + Encoding.UTF8.GetBytes(value, into.AsSpan(at));
    }

    static int SymbolOrNull(byte[] into, int at, string? value)
    {
        if (value is null)
        {
            return Nulls(into, at, 1);
        }

        at = VariableHeader(into, at, FormatCode.Symbol8, FormatCode.Symbol32, Encoding.ASCII.GetByteCount(value));
        return at + Encoding.ASCII.GetBytes(value, into.AsSpan(at));
    }

    static int VariableHeader(byte[] into, int at, byte small, byte large, int length)
    {
        if (length <= byte.MaxValue)
        {
            into[at] = small;
            into[at + 1] = (byte)length;
            return at + 2;
        }

        into[at] = large;
        BinaryPrimitives.WriteUInt32BigEndian(into.AsSpan(at + 1), (uint)length);
        return at + 5;
    }

    static int Nulls(byte[] into, int at, int count)
    {
        into.AsSpan(at, count).Fill(FormatCode.Null);
        return at + count;
    }
}
