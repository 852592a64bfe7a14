using EdgeSensorModule.Outbox;
using Microsoft.Win32.SafeHandles;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>
/// The durability edge, observed: flushes for real (fsync) and records which file and how many bytes it held when the
/// flush returned; can hold segment flushes, or fail flushes of one file, when told to.
/// </summary>
internal sealed class RecordingFlush : IFileFlush
{
    readonly Lock gate = new();
    readonly List<(string Path, long Length, TaskCompletionSource Done)> waiters = [];
    readonly Dictionary<string, long> flushed = [];

    /// <summary>Segment flushes wait until this is set (set from the start).</summary>
    public ManualResetEventSlim SegmentFlushesMayRun { get; } = new(initialState: true);

    /// <summary>Flushes of a file with this name throw, like a device that fails.</summary>
    public string? FailFileName { get; set; }

    public void Flush(SafeFileHandle file, string path)
    {
        if (Path.GetFileName(path) == FailFileName)
        {
            throw new IOException("Input/output error (injected)");
        }

        if (path.EndsWith(".seg", StringComparison.Ordinal))
        {
            SegmentFlushesMayRun.Wait();
        }

        var length = RandomAccess.GetLength(file);
        RandomAccess.FlushToDisk(file);
        lock (gate)
        {
            flushed[path] = Math.Max(length, flushed.GetValueOrDefault(path));
            foreach (var waiter in waiters.Where(w => w.Path == path && w.Length <= length).ToList())
            {
                waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    /// <summary>Completes once a flush of <paramref name="path"/> covered its first <paramref name="length"/> bytes.</summary>
    public Task Covered(string path, long length)
    {
        lock (gate)
        {
            if (flushed.GetValueOrDefault(path) >= length)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((path, length, done));
            return done.Task;
        }
    }
}
