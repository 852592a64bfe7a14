namespace EdgeSensorModule.Outbox;

/// <summary>
/// Group commit (<c>Outbox__FlushEachReading=true</c>): a reading is written to its segment before
/// <see cref="AppendAsync"/> returns (the page cache: a crash or kill of the module loses nothing), and a background
/// thread flushes it to the device (fsync) as soon as one is unflushed, each fsync covering everything appended since
/// the previous one. Sampling never waits on the disk; a reading is on the device at most two fsync times after it
/// was taken (the one in progress, then its own), so a power loss loses only readings of that window.
/// </summary>
public sealed partial class FileOutbox
{
    readonly List<OutboxSegment> unflushed = [];
    readonly SemaphoreSlim flushNeeded = new(0);
    Thread? flusher;
    bool closing;

    void StartFlusher()
    {
        if (!options.FlushEachReading)
        {
            return;
        }

        flusher = new Thread(FlushLoop) { IsBackground = true, Name = "Outbox flush" };
        flusher.Start();
    }

    /// <summary>Called under the gate once a record is written to <paramref name="segment"/>: wakes the flusher.</summary>
    void MarkUnflushed(OutboxSegment segment)
    {
        if (flusher is null)
        {
            return;
        }

        if (unflushed.Count == 0)
        {
            flushNeeded.Release();
        }

        if (!unflushed.Contains(segment))
        {
            unflushed.Add(segment);
        }
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

    /// <summary>Stops the flusher (outside the gate: it takes the gate); <see cref="Dispose"/> flushes what is left.</summary>
    void StopFlusher()
    {
        if (flusher is null)
        {
            return;
        }

        lock (gate)
        {
            closing = true;
        }

        flushNeeded.Release();
        flusher.Join();
        flusher = null;
        flushNeeded.Dispose();
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
}
