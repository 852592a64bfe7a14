using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.Outbox;

/// <summary>
/// The group commit (<c>Outbox__FlushEachReading=true</c>): a background thread flushes a segment to the device as soon
/// as a record was written to it, each flush covering everything written since the previous one. The writer never
/// waits on the disk; a record is on the device at most two flush times after it was written (the flush in progress,
/// then its own), so a power loss loses only records of that window.
/// </summary>
internal sealed partial class GroupCommit : IDisposable
{
    readonly Lock gate = new();
    readonly List<OutboxSegment> unflushed = [];
    readonly SemaphoreSlim flushNeeded = new(0);
    readonly ILogger logger;
    readonly Thread flusher;
    bool closing;

    public GroupCommit(ILogger logger)
    {
        this.logger = logger;
        flusher = new Thread(FlushLoop) { IsBackground = true, Name = "Outbox flush" };
        flusher.Start();
    }

    /// <summary>A record was written to <paramref name="segment"/>: it is flushed moments later.</summary>
    public void Written(OutboxSegment segment)
    {
        lock (gate)
        {
            if (unflushed.Count == 0)
            {
                flushNeeded.Release();
            }

            if (!unflushed.Contains(segment))
            {
                unflushed.Add(segment);
            }
        }
    }

    /// <summary>Stops the thread and flushes what is left.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            closing = true;
        }

        flushNeeded.Release();
        flusher.Join();
        flushNeeded.Dispose();
        foreach (var segment in unflushed)
        {
            FlushQuietly(segment);
        }

        unflushed.Clear();
    }

    void FlushLoop()
    {
        while (true)
        {
            flushNeeded.Wait();
            OutboxSegment[] due;
            lock (gate)
            {
                if (closing)
                {
                    return;
                }

                due = [.. unflushed];
                unflushed.Clear();
            }

            foreach (var segment in due)
            {
                FlushQuietly(segment);
            }
        }
    }

    void FlushQuietly(OutboxSegment segment)
    {
        try
        {
            segment.Flush();
        }
        catch (ObjectDisposedException)
        {
            // Compaction deleted the segment meanwhile: none of its readings is pending any more.
        }
        catch (IOException ex)
        {
            // The records stay in the page cache: only a power loss before the OS writes them back loses them.
            LogFlushFailed(logger, segment.FilePath, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: could not flush {Path} to the device: {Reason} The readings stay written and are lost only if power fails before the OS writes them back")]
    private static partial void LogFlushFailed(ILogger logger, string path, string reason);
}
