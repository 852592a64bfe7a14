namespace EdgeSensorModule.Outbox;

/// <summary>The overflow policy: <c>Outbox__MaxMessages</c> and <c>Outbox__MaxBytes</c>.</summary>
public sealed partial class FileOutbox
{
    /// <summary>Overflow policy: drop the oldest pending readings, counted and logged, until the new one fits.</summary>
    void MakeRoom(int recordLength)
    {
        var droppedNow = new List<long>();
        while (pending.Count >= options.MaxMessages)
        {
            droppedNow.Add(DropOldest());
        }

        while (pending.Count > 0 && segments.Sum(s => s.Length) + recordLength > options.MaxBytes)
        {
            droppedNow.Add(DropOldest());
            Compact();
        }

        if (droppedNow.Count == 0)
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

    long DropOldest()
    {
        var oldest = pending.Oldest;
        Settle(oldest);
        return oldest;
    }
}
