using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace EdgeSensorModule.Outbox;

/// <summary>
/// Makes sure a messageId is never issued twice, whatever the disk does: before an id is issued, a limit above it is
/// on the device in <c>messageid.reserved</c>, a file of fixed size created with the folder and only ever overwritten in
/// place (no new blocks: a full disk cannot stop it). Ids are reserved in blocks that grow while readings come fast, so
/// the flush is rare; a clean close writes back the next id, so only a crash or kill leaves a gap (the unissued rest
/// of the block), never a reuse. The file holds two slots (limit, CRC-32), written alternately: a write torn by a power
/// loss leaves the other slot, whose limit is still above every id issued.
/// </summary>
internal sealed class MessageIdReservation : IDisposable
{
    public const string FileName = "messageid.reserved";
    const int SlotBytes = 16;
    const long SmallestBlock = 1024;
    const long LargestBlock = 1L << 20;
    static readonly TimeSpan GrowWithin = TimeSpan.FromSeconds(1);

    readonly SafeFileHandle handle;
    readonly IFileFlush flush;
    readonly TimeProvider clock;
    int nextSlot;
    long block = SmallestBlock;
    long reservedAt;

    MessageIdReservation(string path, SafeFileHandle handle, IFileFlush flush, TimeProvider clock, long limit, int nextSlot)
    {
        FilePath = path;
        this.handle = handle;
        this.flush = flush;
        this.clock = clock;
        Limit = limit;
        this.nextSlot = nextSlot;
    }

    public string FilePath { get; }

    /// <summary>Every id issued so far is below this; an id at or above it needs a reservation first.</summary>
    public long Limit { get; private set; }

    /// <summary>Opens the reservation in <paramref name="folder"/>, creating it (limit <paramref name="floor"/>) when missing.</summary>
    public static MessageIdReservation Open(string folder, long floor, IFileFlush flush, TimeProvider clock)
    {
        var path = Path.Combine(folder, FileName);
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            Span<byte> slots = stackalloc byte[2 * SlotBytes];
            var read = RandomAccess.Read(handle, slots, 0);
            var first = read >= SlotBytes ? ReadSlot(slots[..SlotBytes]) : null;
            var second = read == slots.Length ? ReadSlot(slots[SlotBytes..]) : null;
            var reservation = new MessageIdReservation(path, handle, flush, clock, Math.Max(floor, Math.Max(first ?? 0, second ?? 0)), (first ?? -1) <= (second ?? -1) ? 0 : 1);
            if (first is null && second is null)
            {
                reservation.Write(reservation.Limit); // a new file: both slots, so it never grows again
                reservation.Write(reservation.Limit);
            }

            return reservation;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Makes <paramref name="id"/> safe to issue: reserves a block above it first when needed; throws when that cannot be made durable.</summary>
    public void Cover(long id)
    {
        if (id < Limit)
        {
            return;
        }

        var now = clock.GetTimestamp();
        block = reservedAt != 0 && clock.GetElapsedTime(reservedAt, now) < GrowWithin ? Math.Min(block * 2, LargestBlock) : SmallestBlock;
        Write(id + block);
        reservedAt = now;
    }

    /// <summary>A clean close: the ids from <paramref name="next"/> on were never issued and stay available.</summary>
    public void Release(long next)
    {
        if (next < Limit)
        {
            Write(next); // both slots: the larger one is what counts when the file is read
            Write(next);
        }
    }

    public void Dispose() => handle.Dispose();

    void Write(long limit)
    {
        Span<byte> slot = stackalloc byte[SlotBytes];
        BinaryPrimitives.WriteInt64LittleEndian(slot, limit);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[8..], Crc32.HashToUInt32(slot[..8]));
        RandomAccess.Write(handle, slot, nextSlot * SlotBytes);
        flush.Flush(handle, FilePath);
        nextSlot = 1 - nextSlot;
        Limit = limit;
    }

    static long? ReadSlot(ReadOnlySpan<byte> slot) =>
        Crc32.HashToUInt32(slot[..8]) == BinaryPrimitives.ReadUInt32LittleEndian(slot[8..]) && BinaryPrimitives.ReadInt64LittleEndian(slot) is >= 0 and var limit
            ? limit
            : null;
}
