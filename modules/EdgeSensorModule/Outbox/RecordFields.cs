using System.Buffers.Binary;
using System.Text;

namespace EdgeSensorModule.Outbox;

/// <summary>
/// Writes a record's fields into a span laid out as <see cref="BinaryWriter"/> lays them out (the outbox's format
/// since its first version): integers little-endian, booleans as one byte, counts as 7-bit encoded integers, strings
/// as a 7-bit encoded UTF-8 byte count and the bytes. The sizes are known first (<see cref="RecordFields"/>), so a
/// record is one array with no stream, writer or copy behind it.
/// </summary>
internal ref struct RecordWriter(Span<byte> destination)
{
    readonly Span<byte> destination = destination;

    /// <summary>Bytes written so far.</summary>
    public int Position { get; private set; }

    public void Write(byte value) => destination[Position++] = value;

    public void Write(bool value) => Write(value ? (byte)1 : (byte)0);

    public void Write(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination[Position..], value);
        Position += sizeof(long);
    }

    public void Write7BitEncodedInt(int value)
    {
        var remaining = (uint)value;
        while (remaining > 0x7F)
        {
            Write((byte)(remaining | 0x80));
            remaining >>= 7;
        }

        Write((byte)remaining);
    }

    public void Write(string value)
    {
        Write7BitEncodedInt(Encoding.UTF8.GetByteCount(value));
        Position += Encoding.UTF8.GetBytes(value, destination[Position..]);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[Position..]);
        Position += bytes.Length;
    }
}

/// <summary>Reads the fields <see cref="RecordWriter"/> wrote; the payload's bytes stay where they are (no copy).</summary>
internal ref struct RecordReader(ReadOnlySpan<byte> source)
{
    readonly ReadOnlySpan<byte> source = source;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    public byte ReadByte() => Position < source.Length ? source[Position++] : throw Truncated();

    public bool ReadBoolean() => ReadByte() != 0;

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    public int Read7BitEncodedInt()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var next = ReadByte();
            value |= (uint)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value <= int.MaxValue ? (int)value : throw new InvalidDataException("A stored length is out of range.");
            }
        }

        throw new InvalidDataException("A stored length is not a 7-bit encoded integer.");
    }

    /// <summary>Reads a string; when its bytes spell one of <paramref name="known"/>, that instance is returned.</summary>
    public string ReadString(ReadOnlySpan<string> known)
    {
        var bytes = Take(Read7BitEncodedInt());
        foreach (var candidate in known)
        {
            if (candidate.Length == bytes.Length && Ascii.Equals(bytes, candidate))
            {
                return candidate;
            }
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Skips <paramref name="count"/> bytes and returns them.</summary>
    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > source.Length - Position)
        {
            throw Truncated();
        }

        var taken = source.Slice(Position, count);
        Position += count;
        return taken;
    }

    static EndOfStreamException Truncated() => new("A stored record ends before its last field.");
}

/// <summary>How many bytes <see cref="RecordWriter"/> needs for a field.</summary>
internal static class RecordFields
{
    public static int SizeOf(string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        return SizeOf7BitEncoded(bytes) + bytes;
    }

    public static int SizeOfOptional(string? value) => 1 + (value is null ? 0 : SizeOf(value));

    public static int SizeOf7BitEncoded(int value)
    {
        var size = 1;
        for (var remaining = (uint)value; remaining > 0x7F; remaining >>= 7)
        {
            size++;
        }

        return size;
    }
}
