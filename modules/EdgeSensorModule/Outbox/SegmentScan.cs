using Microsoft.Win32.SafeHandles;

namespace EdgeSensorModule.Outbox;

/// <summary>
/// Reads a segment's records in order through one 64 KiB window (grown only for a record that does not fit), so that
/// recovering a large backlog never holds a segment file whole in memory. Bytes that do not form an intact record (a
/// torn tail, a damaged record) are skipped and reported as (file offset, byte count); the scan then resynchronises
/// on the next magic number whose record checks out, so one bad record loses only itself.
/// </summary>
internal static class SegmentScan
{
    const int WindowBytes = 64 * 1024;

    /// <summary>Every intact record of the file; a record's payload is valid until the next one is read.</summary>
    public static IEnumerable<FramedRecord> Records(SafeFileHandle file, Action<long, int> damaged)
    {
        var window = new Window(file);
        long badStart = -1;
        while (window.Fill())
        {
            if (OutboxRecords.TryFrame(window.Data, window.Position) is { } record)
            {
                if (badStart >= 0)
                {
                    damaged(badStart, (int)(window.FileOffset - badStart));
                    badStart = -1;
                }

                yield return record with { Offset = window.FileOffset };
                window.Position += record.Length;
                continue;
            }

            if (badStart < 0)
            {
                badStart = window.FileOffset;
            }

            window.SkipToNextMagic();
        }

        var tail = badStart >= 0 ? badStart : window.FileOffset;
        if (tail < window.FileLength)
        {
            damaged(tail, (int)(window.FileLength - tail));
        }
    }

    /// <summary>The part of the file in memory: <see cref="Data"/> starts at file offset <c>start</c>.</summary>
    sealed class Window(SafeFileHandle file)
    {
        byte[] buffer = new byte[WindowBytes];
        long start;
        int filled;
        bool atEnd;

        public int Position { get; set; }

        public ReadOnlyMemory<byte> Data => buffer.AsMemory(0, filled);

        public long FileOffset => start + Position;

        /// <summary>Bytes in the file; known once the window reached its end.</summary>
        public long FileLength => start + filled;

        /// <summary>Makes sure the frame at <see cref="Position"/> (and its whole record, when one is announced) is in memory; false at the end of the file.</summary>
        public bool Fill()
        {
            while (!atEnd)
            {
                var needed = OutboxRecords.FrameBytes + OutboxRecords.AnnouncedLength(buffer.AsSpan(0, filled), Position);
                if (filled - Position >= needed)
                {
                    break;
                }

                Refill(needed);
            }

            return filled - Position >= OutboxRecords.FrameBytes;
        }

        /// <summary>Moves to the next magic number after <see cref="Position"/>, keeping a partial one at the window's end.</summary>
        public void SkipToNextMagic()
        {
            var next = buffer.AsSpan(Position + 1, filled - Position - 1).IndexOf(OutboxRecords.MagicBytes);
            Position = next >= 0 ? Position + 1 + next
                : atEnd ? filled
                : Math.Max(Position + 1, filled - (OutboxRecords.MagicBytes.Length - 1));
        }

        void Refill(int needed)
        {
            var kept = filled - Position;
            var target = needed > buffer.Length ? new byte[needed] : buffer;
            Array.Copy(buffer, Position, target, 0, kept);
            (buffer, start, filled, Position) = (target, start + Position, kept, 0);
            while (filled < buffer.Length)
            {
                var read = RandomAccess.Read(file, buffer.AsSpan(filled), start + filled);
                if (read == 0)
                {
                    atEnd = true;
                    return;
                }

                filled += read;
            }
        }
    }
}
