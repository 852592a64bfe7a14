namespace EdgeSensorModule.Outbox;

/// <summary>Writing and reading records, the in-memory index of pending readings, settle records and compaction.</summary>
public sealed partial class FileOutbox
{
    /// <summary>Writes a reading to the log; when the disk refuses it, keeps it in memory (and says so once).</summary>
    void Store(OutboxMessage message, byte[] record)
    {
        var sequence = message.SequenceNumber;
        try
        {
            var segment = WritableSegment(record.Length);
            var offset = segment.Append(record, flush: false);
            groupCommit?.Written(segment);
            Track(sequence, new Entry(segment, offset, record.Length, null));
            if (diskFailing)
            {
                diskFailing = false;
                LogDiskWritableAgain(logger, folder, entries.Values.Count(e => e.InMemory is not null));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Track(sequence, new Entry(null, 0, 0, message));
            if (!diskFailing)
            {
                diskFailing = true;
                LogDiskWriteFailed(logger, folder, sequence, ex.Message);
            }
        }
    }

    /// <summary>Reads pending readings back; one that no longer reads back whole is dropped, counted and logged.</summary>
    List<OutboxMessage> Load(List<long> sequenceNumbers)
    {
        var messages = new List<OutboxMessage>(sequenceNumbers.Count);
        foreach (var sequence in sequenceNumbers)
        {
            var entry = entries[sequence];
            try
            {
                messages.Add(entry.InMemory ?? OutboxRecords.ReadAppend(OutboxRecords.Unframe(entry.Segment!.Read(entry.Offset, entry.Length))));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException)
            {
                LogUnreadable(logger, sequence, folder, ex.Message);
                Settle(sequence);
                dropped++;
            }
        }

        return messages;
    }

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
