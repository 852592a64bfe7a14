namespace EdgeSensorModule.Outbox;

/// <summary>Writing and reading records, the in-memory index of pending readings, settle records and compaction.</summary>
public sealed partial class FileOutbox
{
    /// <summary>At most this much is read back at once: under the large-object heap's threshold (85,000 bytes).</summary>
    const int MaxReadBytes = 64 * 1024;

    /// <summary>Writes a reading to the log; when the disk refuses it, keeps it in memory (and says so once).</summary>
    void Store(OutboxMessage message, ReadOnlySpan<byte> record)
    {
        var sequence = message.SequenceNumber;
        try
        {
            var segment = WritableSegment(record.Length);
            var offset = segment.Append(record, flush: false);
            groupCommit?.Written(segment);
            Track(new PendingLocation(sequence, segment.Number, checked((int)offset), record.Length));
            if (diskFailing)
            {
                diskFailing = false;
                LogDiskWritableAgain(logger, folder, heldInMemory.Count);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HoldInMemory(message);
            if (!diskFailing)
            {
                diskFailing = true;
                LogDiskWriteFailed(logger, folder, sequence, ex.Message);
            }
        }
    }

    /// <summary>Reads pending readings back; one that no longer reads back whole is dropped, counted and logged.</summary>
    /// <summary>
    /// The messages of <paramref name="sequenceNumbers"/>, read back from their segments: records that lie end to end in
    /// one segment (readings appended between two settle records) are read with one read. A record that no longer checks
    /// out is logged, settled and counted as dropped.
    /// </summary>
    List<OutboxMessage> Load(List<long> sequenceNumbers)
    {
        var messages = new List<OutboxMessage>(sequenceNumbers.Count);
        var run = readRun;
        run.Clear();
        foreach (var sequence in sequenceNumbers)
        {
            pending.TryGet(sequence, out var location);
            if (location.IsInMemory)
            {
                ReadRun(run, messages);
                messages.Add(heldInMemory[sequence]);
            }
            else if (run.Count > 0 && !Extends(run, location))
            {
                ReadRun(run, messages);
                run.Add(location);
            }
            else
            {
                run.Add(location);
            }
        }

        ReadRun(run, messages);
        return messages;
    }

    /// <summary>Whether <paramref name="next"/> can be read with <paramref name="run"/>: right after it, and the read stays small.</summary>
    static bool Extends(List<PendingLocation> run, PendingLocation next) =>
        next.Segment == run[0].Segment
        && next.Offset == run[^1].Offset + run[^1].Length
        && next.Offset + next.Length - run[0].Offset <= MaxReadBytes;

    /// <summary>Reads the records of <paramref name="run"/> (end to end in one segment) with one read, and empties it.</summary>
    void ReadRun(List<PendingLocation> run, List<OutboxMessage> messages)
    {
        if (run.Count == 0)
        {
            return;
        }

        var first = run[0];
        byte[]? stored = null;
        try
        {
            stored = SegmentNumbered(first.Segment).Read(first.Offset, run[^1].Offset + run[^1].Length - first.Offset);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            foreach (var location in run)
            {
                Unreadable(location.Sequence, ex.Message);
            }
        }

        for (var i = 0; stored is not null && i < run.Count; i++)
        {
            var location = run[i];
            try
            {
                var record = stored.AsMemory(location.Offset - first.Offset, location.Length);
                messages.Add(OutboxRecords.ReadAppend(OutboxRecords.Unframe(record)));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                Unreadable(location.Sequence, ex.Message);
            }
        }

        run.Clear();
    }

    void Unreadable(long sequence, string reason)
    {
        LogUnreadable(logger, sequence, folder, reason);
        Settle(sequence);
        dropped++;
    }

    void Track(PendingLocation location)
    {
        Settle(location.Sequence);
        pending.Add(location);
        if (!location.IsInMemory)
        {
            SegmentNumbered(location.Segment).Pending++;
        }
    }

    void HoldInMemory(OutboxMessage message)
    {
        Track(new PendingLocation(message.SequenceNumber, PendingLocation.InMemory, 0, 0));
        heldInMemory[message.SequenceNumber] = message;
    }

    /// <summary>Forgets a pending reading; false when it was not pending.</summary>
    bool Settle(long sequence)
    {
        if (!pending.Remove(sequence, out var location))
        {
            return false;
        }

        if (location.IsInMemory)
        {
            heldInMemory.Remove(sequence);
        }
        else
        {
            SegmentNumbered(location.Segment).Pending--;
        }

        return true;
    }

    /// <summary>An open segment by its number (segments are kept in ascending order of number).</summary>
    OutboxSegment SegmentNumbered(long number)
    {
        int low = 0, high = segments.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            if (segments[middle].Number == number)
            {
                return segments[middle];
            }

            (low, high) = segments[middle].Number < number ? (middle + 1, high) : (low, middle - 1);
        }

        throw new InvalidDataException($"Outbox segment {number} is no longer open.");
    }

    /// <summary>Settle records are not flushed: losing one to a power loss only means those readings are sent again.</summary>
    void WriteSettle(SettleReason reason, List<long> sequenceNumbers)
    {
        if (sequenceNumbers.Count == 0)
        {
            return;
        }

        var record = OutboxRecords.Settle(reason, sequenceNumbers);
        try
        {
            WritableSegment(record.Length).Append(record, flush: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSettleNotWritten(logger, sequenceNumbers.Count, ex.Message);
        }
    }

    /// <summary>Compaction: deletes the oldest segments once none of their readings is pending.</summary>
    void Compact()
    {
        while (segments.Count > 0 && segments[0] != active && segments[0].Pending == 0)
        {
            try
            {
                segments[0].Delete();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogDeleteFailed(logger, segments[0].FilePath, ex.Message);
                return;
            }

            segments.RemoveAt(0);
        }
    }
}
