namespace EdgeSensorModule.Outbox;

/// <summary>The overflow policy: <c>Outbox__MaxMessages</c> and <c>Outbox__MaxBytes</c>.</summary>
public sealed partial class FileOutbox
{
    /// <summary>Overflow policy: drop the oldest pending readings, counted and logged, until the new one fits.</summary>
    void MakeRoom(int recordLength)
    {
        var fits = pending.Count < options.MaxMessages && SegmentBytes() + recordLength <= options.MaxBytes;
        if ((fits ? null : DropFor(recordLength)) is not { Count: > 0 } droppedNow)
        {
            if (overflowLogged is not null)
            {
                overflowLogged = null;
                LogOverflowEnded(logger, dropped);
            }

            return;
        }

        dropped += droppedNow.Count;
        WriteSettle(SettleReason.Dropped, droppedNow);
        Compact();
        var now = clock.GetUtcNow();
        if (overflowLogged is null || now - overflowLogged >= OverflowLogInterval)
        {
            LogOverflow(logger, options.MaxMessages, options.MaxBytes, droppedNow.Max(), dropped);
            overflowLogged = now;
        }
    }

    /// <summary>Drops the oldest pending readings until one of <paramref name="recordLength"/> bytes fits; returns them.</summary>
    List<long> DropFor(int recordLength)
    {
        var droppedNow = new List<long>();
        while (pending.Count >= options.MaxMessages)
        {
            droppedNow.Add(DropOldest());
        }

        while (pending.Count > 0 && SegmentBytes() + recordLength > options.MaxBytes)
        {
            droppedNow.Add(DropOldest());
            Compact();
        }

        return droppedNow;
    }

    long SegmentBytes()
    {
        long total = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            total += segments[i].Length;
        }

        return total;
    }

    long DropOldest()
    {
        var oldest = pending.Oldest;
        Settle(oldest);
        return oldest;
    }
}
