namespace EdgeSensorModule.Outbox;

/// <summary>
/// The folder under the log: deleted while the module runs (<c>rm -rf</c>), the open files still take writes that no
/// later start will see. So it is looked at once a second and at close: when gone, it is created again and every
/// pending reading (still readable through the open files) is written back.
/// </summary>
public sealed partial class FileOutbox
{
    long nextFolderCheck;
    bool folderMissing;

    void CheckFolder(bool force = false)
    {
        var now = clock.GetTimestamp();
        if (!force && now < nextFolderCheck)
        {
            return;
        }

        nextFolderCheck = now + clock.TimestampFrequency;
        if (folderLock is null || !File.Exists(Path.Combine(folder, LockFileName)))
        {
            CreateFolderAgain();
        }
    }

    void CreateFolderAgain()
    {
        foreach (var message in Load([.. pending.Ascending()]))
        {
            HoldInMemory(message);
        }

        foreach (var segment in segments)
        {
            segment.Dispose();
        }

        segments.Clear();
        active = null;
        reservation?.Dispose();
        reservation = null;
        folderLock?.Dispose();
        folderLock = null;
        try
        {
            Directory.CreateDirectory(folder);
            folderLock = LockFolder();
            reservation = MessageIdReservation.Open(folder, nextSequenceNumber, flush, clock);
            WriteHeldInMemory();
            folderMissing = false;
            LogFolderCreatedAgain(logger, folder, pending.Count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diskFailing = true;
            if (!folderMissing)
            {
                folderMissing = true;
                LogFolderLost(logger, folder, ex.Message, pending.Count);
            }
        }
    }

    /// <summary>Writes readings the disk refused earlier, oldest first, as far as it takes them now.</summary>
    void WriteHeldInMemory()
    {
        foreach (var (sequence, message) in heldInMemory.OrderBy(held => held.Key).ToList())
        {
            var record = OutboxRecords.Append(message);
            try
            {
                var segment = WritableSegment(record.Length);
                var offset = segment.Append(record, flush: false);
                groupCommit?.Written(segment);
                Track(new PendingLocation(sequence, segment.Number, checked((int)offset), record.Length));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }

        diskFailing = false;
    }
}
