using IotHub.Protocol;

namespace EdgeSensorModule.Outbox;

/// <summary>A reading waiting for the hub's acknowledgement.</summary>
/// <param name="SequenceNumber">The body's <c>messageId</c>, issued by the outbox: never twice for one device.</param>
/// <param name="Message">The message exactly as it is sent, every time it is sent.</param>
public sealed record OutboxMessage(long SequenceNumber, HubMessage Message);

/// <summary>
/// Keeps readings between sampling and delivery: a message stays until <see cref="Acknowledge"/> after the hub
/// acknowledged it, so a lost connection or a restart loses nothing (<see cref="FileOutbox"/>). The outbox issues the
/// messageIds and enforces its limits; what to send first is the delivery's business. One producer appends, one
/// consumer reads and acknowledges.
/// </summary>
public interface IOutbox
{
    /// <summary>Messages not yet acknowledged.</summary>
    int Count { get; }

    /// <summary>Messages dropped since start to stay within the limits (overflow policy: oldest first).</summary>
    long Dropped { get; }

    /// <summary>
    /// Stores the message <paramref name="create"/> builds for the next messageId and returns it; null when no messageId
    /// can be issued because the outbox cannot record it durably (logged by the outbox): the reading is not taken.
    /// </summary>
    OutboxMessage? Append(Func<long, HubMessage> create);

    /// <summary>Up to <paramref name="max"/> pending messages not in <paramref name="skip"/>, from the oldest or the newest end.</summary>
    IReadOnlyList<OutboxMessage> Pending(int max, IReadOnlySet<long> skip, PendingEnd from);

    /// <summary>Forgets messages the hub has acknowledged.</summary>
    void Acknowledge(IReadOnlyCollection<OutboxMessage> delivered);
}

/// <summary>Which end of the pending messages <see cref="IOutbox.Pending"/> reads from.</summary>
public enum PendingEnd
{
    /// <summary>Oldest first (ascending messageId).</summary>
    Oldest,

    /// <summary>Newest first (descending messageId).</summary>
    Newest,
}
