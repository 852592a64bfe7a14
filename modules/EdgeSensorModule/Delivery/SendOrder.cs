using EdgeSensorModule.Outbox;

namespace EdgeSensorModule.Delivery;

/// <summary>
/// Which pending readings go next. When everything pending (not in flight) fits, oldest first. When a backlog is larger,
/// a quarter of the places (rounded down) go to the newest readings, newest first, and the rest to the oldest: live
/// readings are not starved behind a backlog of days, and the backlog drains from its old end (which is also what lets
/// the outbox delete its old files).
/// </summary>
public static class SendOrder
{
    static readonly IReadOnlySet<long> None = new HashSet<long>();

    /// <summary>Up to <paramref name="max"/> readings to send next, leaving out those in <paramref name="inFlight"/>.</summary>
    public static IReadOnlyList<OutboxMessage> Next(IOutbox outbox, int max, IReadOnlySet<long>? inFlight = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        var skip = inFlight ?? None;
        if (max < 1)
        {
            return [];
        }

        if (outbox.Count - skip.Count <= max)
        {
            return outbox.Pending(max, skip, PendingEnd.Oldest);
        }

        var newest = max / 4;
        return newest == 0
            ? outbox.Pending(max, skip, PendingEnd.Oldest)
            : [.. outbox.Pending(newest, skip, PendingEnd.Newest), .. outbox.Pending(max - newest, skip, PendingEnd.Oldest)];
    }
}
