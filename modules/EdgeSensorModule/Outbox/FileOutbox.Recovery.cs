using System.Buffers.Binary;

namespace EdgeSensorModule.Outbox;

/// <summary>Opening the log: the folder lock, recovery of what an earlier run left, the messageId reservation, new segments.</summary>
public sealed partial class FileOutbox
{
    const string LockFileName = "outbox.lock";

    /// <summary>Linux's errno when a lock is held by another process (flock: EWOULDBLOCK); .NET reports it as the HResult.</summary>
    const int LockHeldErrno = 11;

    void Open()
    {
        try
        {
            Directory.CreateDirectory(folder);
            folderLock = LockFolder();
            Recover();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            CloseFiles();
            throw new OutboxException(
                $"Outbox__Path: cannot use '{folder}': {ex.Message.TrimEnd('.')}. Set Outbox__Path to a writable folder (in a container, a volume mounted there).", ex);
        }

        var onDisk = nextSequenceNumber;
        try
        {
            reservation = MessageIdReservation.Open(folder, onDisk, flush, clock);
            nextSequenceNumber = reservation.Limit;
            active = NewSegment();
            Compact();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder is ours but the disk is full: run on, keeping new readings in memory until it takes them again.
            diskFailing = true;
            LogDiskWriteFailed(logger, folder, nextSequenceNumber, ex.Message);
        }

        LogOpened(logger, folder, pending.Count, nextSequenceNumber, segments.Count);
        if (nextSequenceNumber > onDisk)
        {
            LogIdsSkipped(logger, onDisk, nextSequenceNumber - 1);
        }
    }

    /// <summary>Two processes writing one log would corrupt it: the second one stops at start with a clear line.</summary>
    FileStream LockFolder()
    {
        var path = Path.Combine(folder, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.HResult == LockHeldErrno)
        {
            throw new IOException($"another process uses it ({ex.Message.TrimEnd('.')}); give each module instance its own folder", ex);
        }
    }

    /// <summary>
    /// Replays every segment in order: appends make readings pending, settle records settle them, headers carry the
    /// sequence number on after everything was settled and compacted. Damaged bytes are skipped and reported. Each
    /// segment is read through a small window (<see cref="SegmentScan"/>), never whole.
    /// </summary>
    void Recover()
    {
        foreach (var (number, path) in OutboxSegment.List(folder))
        {
            var segment = OutboxSegment.Open(path, number, flush);
            segments.Add(segment);
            lastSegmentNumber = number;
            foreach (var record in segment.Records((offset, count) => LogDamaged(logger, path, offset, count)))
            {
                switch (record.Type)
                {
                    case OutboxRecordType.SegmentHeader:
                        nextSequenceNumber = Math.Max(nextSequenceNumber, OutboxRecords.ReadSegmentHeader(record.Payload));
                        break;
                    case OutboxRecordType.Append:
                        var sequence = BinaryPrimitives.ReadInt64LittleEndian(record.Payload.Span[1..]);
                        Track(new PendingLocation(sequence, segment.Number, checked((int)record.Offset), record.Length));
                        nextSequenceNumber = Math.Max(nextSequenceNumber, sequence + 1);
                        break;
                    case OutboxRecordType.Settle:
                        foreach (var settled in OutboxRecords.ReadSettle(record.Payload).SequenceNumbers)
                        {
                            Settle(settled);
                        }

                        break;
                    default:
                        break; // a record type from a newer version: nothing this version can do with it
                }
            }
        }
    }

    /// <summary>The segment to write to: the active one, or a new one when it is full or a failed write sealed it.</summary>
    OutboxSegment WritableSegment(int recordLength)
    {
        if (active is { Sealed: false } current && (current.Length + recordLength <= segmentBytes || current.Length <= OutboxRecords.SegmentHeaderBytes))
        {
            return current;
        }

        var previous = active;
        active = NewSegment();
        if (previous is not null && previous.Pending == 0)
        {
            Compact();
        }

        return active;
    }

    /// <summary>Every process start and every full segment begins a new file; its header carries the next sequence number.</summary>
    OutboxSegment NewSegment()
    {
        var segment = OutboxSegment.Create(folder, lastSegmentNumber + 1, OutboxRecords.SegmentHeader(nextSequenceNumber), flush);
        lastSegmentNumber++;
        segments.Add(segment);
        return segment;
    }
}
