namespace EdgeSensorModule.Outbox;

/// <summary>The in-memory index of pending readings, settle records and compaction.</summary>
public sealed partial class FileOutbox
{
    void Track(long sequence, Entry entry)
    {
        if (entries.ContainsKey(sequence))
        {
            Settle(sequence);
        }

        entries[sequence] = entry;
        order.Add(sequence);
        if (entry.Segment is { } segment)
        {
            segment.Pending++;
        }
    }

    /// <summary>Forgets a pending reading; false when it was not pending.</summary>
    bool Settle(long sequence)
    {
        if (!entries.Remove(sequence, out var entry))
        {
            return false;
        }

        order.Remove(sequence);
        if (entry.Segment is { } segment)
        {
            segment.Pending--;
        }

        return true;
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
