using IotHub.Protocol;

namespace EdgeSensorModule.Outbox;

/// <summary>A reading waiting for the hub's acknowledgement.</summary>
/// <param name="SequenceNumber">The body's <c>messageId</c>: 0 on a fresh device, one more per reading.</param>
/// <param name="Message">The message exactly as it is sent, every time it is sent.</param>
public sealed record OutboxMessage(long SequenceNumber, HubMessage Message);

/// <summary>
/// Holds readings between sampling and delivery. A message stays until <see cref="RemoveAsync"/> after the hub
/// acknowledged it, so a lost connection or a restart loses nothing (<see cref="FileOutbox"/>). One producer appends,
/// one consumer peeks and removes.
/// </summary>
public interface IOutbox
{
    /// <summary>The sequence number the next appended message must carry.</summary>
    long NextSequenceNumber { get; }

    /// <summary>Messages not yet acknowledged.</summary>
    int Count { get; }

    /// <summary>Messages dropped since start to stay within the limits (overflow policy: oldest first).</summary>
    long Dropped { get; }

    /// <summary>Stores a message; its sequence number must be <see cref="NextSequenceNumber"/>.</summary>
    ValueTask AppendAsync(OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until a message is pending, then returns up to <paramref name="max"/> of the pending messages in the order
    /// they should be sent: all of them oldest first when they fit, else the newest quarter of the batch (newest first)
    /// followed by the oldest, so live readings are not starved behind a backlog. Returns an empty list once
    /// <see cref="Complete"/> was called and nothing is left. Messages stay pending until removed: peeking again after a
    /// failure returns them again.
    /// </summary>
    ValueTask<IReadOnlyList<OutboxMessage>> PeekAsync(int max, CancellationToken cancellationToken);

    /// <summary>Forgets messages the hub has acknowledged.</summary>
    ValueTask RemoveAsync(IReadOnlyCollection<OutboxMessage> delivered, CancellationToken cancellationToken);

    /// <summary>No more messages will be appended.</summary>
    void Complete();
}
