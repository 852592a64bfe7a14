using System.Buffers.Binary;
using System.IO.Hashing;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;

namespace EdgeSensorModule.Outbox;

/// <summary>The kinds of record in an outbox segment.</summary>
internal enum OutboxRecordType : byte
{
    /// <summary>First record of every segment: format version and the sequence number the segment starts at.</summary>
    SegmentHeader = 0,

    /// <summary>A reading, stored whole: sequence number, <c>$.mid</c>, <c>$.ctime</c>, <c>$.ct</c>, <c>$.ce</c>, application properties, body.</summary>
    Append = 1,

    /// <summary>Sequence numbers that are settled: acknowledged by the hub, or dropped when the outbox was full.</summary>
    Settle = 2,
}

/// <summary>Why messages were settled.</summary>
internal enum SettleReason : byte
{
    /// <summary>The hub acknowledged them (PUBACK).</summary>
    Delivered = 0,

    /// <summary>Dropped to make room (overflow policy: oldest first).</summary>
    Dropped = 1,
}

/// <summary>A framed record found in a segment: its offset, its whole length on disk and its payload.</summary>
internal readonly record struct FramedRecord(long Offset, int Length, ReadOnlyMemory<byte> Payload)
{
    public OutboxRecordType Type => (OutboxRecordType)Payload.Span[0];
}

/// <summary>
/// The on-disk format of the outbox log. A record is framed as
/// <c>magic (4) | payload length (4) | CRC-32 of the payload (4) | payload</c>, little-endian; the payload starts with
/// its <see cref="OutboxRecordType"/>. A torn write (power loss mid-record) or a damaged byte fails the length or CRC
/// check; the reader then looks for the next magic whose record checks out, so one bad record loses only itself.
/// </summary>
internal static class OutboxRecords
{
    /// <summary>"ESMR" read as a little-endian integer.</summary>
    const uint Magic = 0x524D5345;

    /// <summary>Magic, payload length and CRC-32 in front of every payload.</summary>
    public const int FrameBytes = 12;
    const byte FormatVersion = 1;

    /// <summary>A record is never larger: IoT Hub's 256 KiB body plus properties, with room to spare.</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    /// <summary>
    /// What almost every reading repeats (content type and encoding, the alert property and its values): read back as
    /// these instances instead of a new string each time.
    /// </summary>
    static readonly string[] KnownStrings =
    [
        TelemetryContract.ContentType, TelemetryContract.ContentEncoding, TelemetryContract.TemperatureAlertProperty,
        TelemetryContract.FormatAlert(true), TelemetryContract.FormatAlert(false),
    ];

    /// <summary>Length of a segment header record on disk.</summary>
    public const int SegmentHeaderBytes = FrameBytes + 1 + 1 + sizeof(long);

    public static byte[] SegmentHeader(long baseSequence)
    {
        var record = Allocate(1 + 1 + sizeof(long), out var writer);
        writer.Write((byte)OutboxRecordType.SegmentHeader);
        writer.Write(FormatVersion);
        writer.Write(baseSequence);
        Seal(record, writer);
        return record;
    }

    public static byte[] Append(OutboxMessage message)
    {
        var record = new byte[AppendLength(message)];
        WriteAppend(message, record);
        return record;
    }

    /// <summary>The length on disk of the record <see cref="WriteAppend"/> writes for <paramref name="message"/>.</summary>
    public static int AppendLength(OutboxMessage message)
    {
        var hub = message.Message;
        var properties = hub.ApplicationProperties;
        var size = 1 + sizeof(long) + RecordFields.SizeOf(hub.MessageId) + sizeof(long)
            + RecordFields.SizeOfOptional(hub.ContentType) + RecordFields.SizeOfOptional(hub.ContentEncoding)
            + RecordFields.SizeOf7BitEncoded(properties.Count)
            + RecordFields.SizeOf7BitEncoded(hub.Body.Length) + hub.Body.Length;
        for (var i = 0; i < properties.Count; i++)
        {
            size += RecordFields.SizeOf(properties[i].Key) + RecordFields.SizeOf(properties[i].Value);
        }

        return FrameBytes + size;
    }

    /// <summary>Writes the record of <paramref name="message"/> into <paramref name="record"/>, exactly <see cref="AppendLength"/> long.</summary>
    public static void WriteAppend(OutboxMessage message, Span<byte> record)
    {
        var hub = message.Message;
        var properties = hub.ApplicationProperties;
        var writer = new RecordWriter(record[FrameBytes..]);
        writer.Write((byte)OutboxRecordType.Append);
        writer.Write(message.SequenceNumber);
        writer.Write(hub.MessageId);
        writer.Write(hub.CreationTimeUtc is { } created ? created.UtcTicks : -1L);
        WriteOptional(ref writer, hub.ContentType);
        WriteOptional(ref writer, hub.ContentEncoding);
        writer.Write7BitEncodedInt(properties.Count);
        for (var i = 0; i < properties.Count; i++)
        {
            writer.Write(properties[i].Key);
            writer.Write(properties[i].Value);
        }

        writer.Write7BitEncodedInt(hub.Body.Length);
        writer.Write(hub.Body.Span);
        Seal(record, writer);
    }

    /// <summary>Settles sequence numbers, written as runs (start, length) so a batch of 64 usually takes a few bytes.</summary>
    public static byte[] Settle(SettleReason reason, IEnumerable<long> sequenceNumbers)
    {
        var runs = Runs(sequenceNumbers.Order()).ToList();
        var size = 1 + 1 + RecordFields.SizeOf7BitEncoded(runs.Count);
        foreach (var (_, length) in runs)
        {
            size += sizeof(long) + RecordFields.SizeOf7BitEncoded(length);
        }

        var record = Allocate(size, out var writer);
        writer.Write((byte)OutboxRecordType.Settle);
        writer.Write((byte)reason);
        writer.Write7BitEncodedInt(runs.Count);
        foreach (var (start, length) in runs)
        {
            writer.Write(start);
            writer.Write7BitEncodedInt(length);
        }

        Seal(record, writer);
        return record;
    }

    public static long ReadSegmentHeader(ReadOnlyMemory<byte> payload)
    {
        var reader = Reader(payload);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Outbox segment format {version} is not known to this version (it reads {FormatVersion}).");
        }

        return reader.ReadInt64();
    }

    /// <summary>The reading a record holds; its body is a slice of <paramref name="payload"/>, not a copy.</summary>
    public static OutboxMessage ReadAppend(ReadOnlyMemory<byte> payload)
    {
        var reader = Reader(payload);
        var sequence = reader.ReadInt64();
        var messageId = reader.ReadString(KnownStrings);
        var ticks = reader.ReadInt64();
        var contentType = ReadOptional(ref reader);
        var contentEncoding = ReadOptional(ref reader);
        var count = reader.Read7BitEncodedInt();
        var properties = new List<KeyValuePair<string, string>>(Math.Min(count, 16));
        for (var i = 0; i < count; i++)
        {
            properties.Add(new(reader.ReadString(KnownStrings), reader.ReadString(KnownStrings)));
        }

        var length = reader.Read7BitEncodedInt();
        var start = 1 + reader.Position;
        reader.Take(length);
        DateTimeOffset? created = ticks < 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        return new OutboxMessage(sequence, new HubMessage(messageId, created, contentType, contentEncoding, properties, payload.Slice(start, length)));
    }

    public static (SettleReason Reason, IEnumerable<long> SequenceNumbers) ReadSettle(ReadOnlyMemory<byte> payload)
    {
        var reader = Reader(payload);
        var reason = (SettleReason)reader.ReadByte();
        var runs = new List<(long Start, int Length)>();
        for (var count = reader.Read7BitEncodedInt(); count > 0; count--)
        {
            runs.Add((reader.ReadInt64(), reader.Read7BitEncodedInt()));
        }

        return (reason, runs.SelectMany(run => Enumerable.Range(0, run.Length).Select(i => run.Start + i)));
    }

    public static ReadOnlySpan<byte> MagicBytes => "ESMR"u8;

    /// <summary>The intact record at <paramref name="position"/> of <paramref name="data"/>, or null.</summary>
    public static FramedRecord? TryFrame(ReadOnlyMemory<byte> data, int position)
    {
        var span = data.Span[position..];
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        if (!PlausibleLength(length) || length > span.Length - FrameBytes)
        {
            return null;
        }

        var payload = data.Slice(position + FrameBytes, (int)length);
        if (Crc32.HashToUInt32(payload.Span) != BinaryPrimitives.ReadUInt32LittleEndian(span[8..]))
        {
            return null;
        }

        return new FramedRecord(position, FrameBytes + (int)length, payload);
    }

    /// <summary>The payload length a frame at <paramref name="position"/> announces when it starts with the magic number; otherwise 0.</summary>
    public static int AnnouncedLength(ReadOnlySpan<byte> data, int position) =>
        data.Length - position >= FrameBytes
        && BinaryPrimitives.ReadUInt32LittleEndian(data[position..]) == Magic
        && BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]) is var length && PlausibleLength(length)
            ? (int)length
            : 0;

    static bool PlausibleLength(uint length) => length is > 0 and <= MaxPayloadBytes;

    /// <summary>Reads one record back from the bytes stored at its offset; throws when they no longer check out.</summary>
    public static ReadOnlyMemory<byte> Unframe(ReadOnlyMemory<byte> stored) =>
        TryFrame(stored, 0) is { } record && record.Length == stored.Length
            ? record.Payload
            : throw new InvalidDataException("The stored record no longer matches its checksum.");

    /// <summary>An array for a frame with a payload of <paramref name="payloadBytes"/>, and a writer over its payload.</summary>
    static byte[] Allocate(int payloadBytes, out RecordWriter writer)
    {
        var record = new byte[FrameBytes + payloadBytes];
        writer = new RecordWriter(record.AsSpan(FrameBytes));
        return record;
    }

    /// <summary>Writes the frame in front of the payload <paramref name="writer"/> filled.</summary>
    static void Seal(Span<byte> record, RecordWriter writer)
    {
        var payload = record[FrameBytes..];
        if (writer.Position != payload.Length)
        {
            throw new InvalidOperationException($"A record's payload took {writer.Position} bytes, not the {payload.Length} counted.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], Crc32.HashToUInt32(payload));
    }

    /// <summary>A reader past the payload's type byte.</summary>
    static RecordReader Reader(ReadOnlyMemory<byte> payload) => new(payload.Span[1..]);

    static void WriteOptional(ref RecordWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    static string? ReadOptional(ref RecordReader reader) => reader.ReadBoolean() ? reader.ReadString(KnownStrings) : null;

    static IEnumerable<(long Start, int Length)> Runs(IEnumerable<long> ascending)
    {
        long start = 0;
        var length = 0;
        foreach (var sequence in ascending)
        {
            if (length > 0 && sequence == start + length && length < int.MaxValue)
            {
                length++;
                continue;
            }

            if (length > 0)
            {
                yield return (start, length);
            }

            (start, length) = (sequence, 1);
        }

        if (length > 0)
        {
            yield return (start, length);
        }
    }
}
