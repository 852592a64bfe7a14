using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace EdgeSensorModule.Outbox;

/// <summary>
/// One file of the outbox log, named by its number (<c>00000000000000000042.seg</c>). Only the newest segment of the
/// running process is written to, always at its end; older segments are read and, once none of their readings is
/// pending, deleted whole (compaction). A process never writes to a segment it did not create, so a torn tail left by
/// a crash stays where it is and is skipped on every recovery.
/// </summary>
internal sealed class OutboxSegment : IDisposable
{
    const string Extension = ".seg";

    readonly SafeFileHandle handle;
    readonly IFileFlush toDevice;

    OutboxSegment(string path, long number, SafeFileHandle handle, long length, IFileFlush flush)
    {
        FilePath = path;
        Number = number;
        this.handle = handle;
        Length = length;
        this.toDevice = flush;
    }

    public string FilePath { get; }

    /// <summary>Segments are created with increasing numbers; the log is read in that order.</summary>
    public long Number { get; }

    /// <summary>Bytes in the file (up to the last complete write of this process).</summary>
    public long Length { get; private set; }

    /// <summary>Readings in this segment still waiting for the hub.</summary>
    public int Pending { get; set; }

    /// <summary>True when a failed write could not be undone: nothing more goes into this segment.</summary>
    public bool Sealed { get; private set; }

    /// <summary>The segment files in a folder, oldest first.</summary>
    public static IEnumerable<(long Number, string Path)> List(string folder) => Directory
        .EnumerateFiles(folder, "*" + Extension)
        .Select(path => (Ok: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var number), number, path))
        .Where(file => file.Ok)
        .Select(file => (file.number, file.path))
        .OrderBy(file => file.number);

    /// <summary>Creates segment <paramref name="number"/> whose first record is <paramref name="header"/>.</summary>
    public static OutboxSegment Create(string folder, long number, byte[] header, IFileFlush flush)
    {
        var path = Path.Combine(folder, number.ToString("D20", CultureInfo.InvariantCulture) + Extension);
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        var segment = new OutboxSegment(path, number, handle, 0, flush);
        try
        {
            segment.Append(header, flush: true);
        }
        catch (IOException)
        {
            segment.Dispose();
            File.Delete(path);
            throw;
        }

        return segment;
    }

    /// <summary>Opens a segment left by an earlier run, for reading its pending records.</summary>
    public static OutboxSegment Open(string path, long number, IFileFlush flush) =>
        new(path, number, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), new FileInfo(path).Length, flush);

    /// <summary>Writes a record at the end; returns its offset. On failure the file is cut back to where it was.</summary>
    public long Append(ReadOnlySpan<byte> record, bool flush)
    {
        var offset = Length;
        try
        {
            RandomAccess.Write(handle, record, offset);
            if (flush)
            {
                Flush();
            }
        }
        catch (IOException)
        {
            try
            {
                RandomAccess.SetLength(handle, offset);
            }
            catch (IOException)
            {
                Sealed = true;
            }

            throw;
        }

        Length += record.Length;
        return offset;
    }

    /// <summary>Flushes what was written so far to the device.</summary>
    public void Flush() => toDevice.Flush(handle, FilePath);

    /// <summary>Every intact record, in order; damaged bytes are reported as (offset, count) and skipped.</summary>
    public IEnumerable<FramedRecord> Records(Action<long, int> damaged) => SegmentScan.Records(handle, damaged);

    public byte[] Read(long offset, int length)
    {
        var buffer = new byte[length];
        var read = RandomAccess.Read(handle, buffer, offset);
        return read == length ? buffer : throw new InvalidDataException($"{FilePath} ends before the record at {offset}.");
    }

    public void Delete()
    {
        handle.Dispose();
        File.Delete(FilePath);
    }

    public void Dispose() => handle.Dispose();
}
