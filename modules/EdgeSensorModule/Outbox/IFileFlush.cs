using Microsoft.Win32.SafeHandles;

namespace EdgeSensorModule.Outbox;

/// <summary>
/// How the outbox puts written bytes on the device: its group commit and its messageId reservations go through here,
/// so a test can see when (and whether) they happen. <see cref="ToDevice"/> is the real one (fsync).
/// </summary>
public interface IFileFlush
{
    /// <summary>The real flush: <c>fsync</c> of the file.</summary>
    static IFileFlush ToDevice { get; } = new Fsync();

    /// <summary>Returns once everything written to <paramref name="file"/> (at <paramref name="path"/>) is on the device.</summary>
    void Flush(SafeFileHandle file, string path);

    sealed class Fsync : IFileFlush
    {
        public void Flush(SafeFileHandle file, string path) => RandomAccess.FlushToDisk(file);
    }
}
