using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using EdgeSensorModule.Outbox;
using IotHub.Protocol;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>
/// The record format on disk. Outboxes written by earlier versions (with <see cref="BinaryWriter"/>) must still be read
/// after an upgrade, so a record is checked byte for byte against what BinaryWriter writes for the same fields.
/// </summary>
public sealed class OutboxRecordsTests
{
    static readonly HubMessage Awkward = new(
        "mid-é-" + new string('x', 130), // a 7-bit length of two bytes, and a character of two UTF-8 bytes
        new DateTimeOffset(2026, 12, 2, 14, 0, 0, TimeSpan.Zero),
        "application/json",
        null,
        [new("temperatureAlert", "true"), new("lieu", "Zürich"), new("", "")],
        Encoding.UTF8.GetBytes("{\"temperature\":21.5,\"note\":\"" + new string('y', 200) + "\"}"));

    [Fact]
    public void Append_IsLaidOutAsBinaryWriterLaysItOut()
    {
        var expected = Framed(writer =>
        {
            writer.Write((byte)1);
            writer.Write(42L);
            writer.Write(Awkward.MessageId);
            writer.Write(Awkward.CreationTimeUtc!.Value.UtcTicks);
            writer.Write(true);
            writer.Write(Awkward.ContentType!);
            writer.Write(false);
            writer.Write7BitEncodedInt(Awkward.ApplicationProperties.Count);
            foreach (var (key, value) in Awkward.ApplicationProperties)
            {
                writer.Write(key);
                writer.Write(value);
            }

            writer.Write7BitEncodedInt(Awkward.Body.Length);
            writer.Write(Awkward.Body.Span);
        });

        Assert.Equal(expected, OutboxRecords.Append(new OutboxMessage(42, Awkward)));
    }

    [Fact]
    public void SettleAndSegmentHeader_AreLaidOutAsBinaryWriterLaysThemOut()
    {
        var settle = Framed(writer =>
        {
            writer.Write((byte)2);
            writer.Write((byte)SettleReason.Dropped);
            writer.Write7BitEncodedInt(2);
            writer.Write(5L);
            writer.Write7BitEncodedInt(200);
            writer.Write(300L);
            writer.Write7BitEncodedInt(1);
        });
        var header = Framed(writer =>
        {
            writer.Write((byte)0);
            writer.Write((byte)1);
            writer.Write(7_000_000_000L);
        });

        Assert.Equal(settle, OutboxRecords.Settle(SettleReason.Dropped, [300, .. Enumerable.Range(5, 200).Select(i => (long)i)]));
        Assert.Equal(header, OutboxRecords.SegmentHeader(7_000_000_000L));
    }

    [Fact]
    public void ReadAppend_GivesBackTheSameMessage()
    {
        var stored = OutboxRecords.Append(new OutboxMessage(42, Awkward));

        var read = OutboxRecords.ReadAppend(OutboxRecords.Unframe(stored));

        OutboxFiles.AssertSameMessage(new OutboxMessage(42, Awkward), read);
        Assert.Equal(Awkward.ContentEncoding, read.Message.ContentEncoding);
        Assert.Equal(Awkward.CreationTimeUtc, read.Message.CreationTimeUtc);
    }

    [Fact]
    public void ReadAppend_PayloadCutShort_FailsAsAnEndOfStream()
    {
        var payload = OutboxRecords.Unframe(OutboxRecords.Append(new OutboxMessage(42, Awkward)));

        Assert.Throws<EndOfStreamException>(() => OutboxRecords.ReadAppend(payload[..^1]));
    }

    static byte[] Framed(Action<BinaryWriter> write)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        var bytes = payload.ToArray();
        var framed = new byte[OutboxRecords.FrameBytes + bytes.Length];
        "ESMR"u8.CopyTo(framed);
        BinaryPrimitives.WriteUInt32LittleEndian(framed.AsSpan(4), (uint)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(framed.AsSpan(8), Crc32.HashToUInt32(bytes));
        bytes.CopyTo(framed, OutboxRecords.FrameBytes);
        return framed;
    }
}
