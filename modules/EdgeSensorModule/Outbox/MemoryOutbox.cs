namespace EdgeSensorModule.Outbox;

/// <summary>An outbox in memory: survives network loss, not a restart of the process.</summary>
public sealed class MemoryOutbox : IOutbox
{
    readonly Lock gate = new();
    readonly LinkedList<OutboxMessage> pending = new();
    TaskCompletionSource changed = NewSignal();
    long nextSequenceNumber;
    bool completed;

    /// <inheritdoc />
    public long NextSequenceNumber
    {
        get
        {
            lock (gate)
            {
                return nextSequenceNumber;
            }
        }
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (gate)
        {
            if (completed)
            {
                throw new InvalidOperationException("The outbox was completed; nothing more may be appended.");
            }

            if (message.SequenceNumber != nextSequenceNumber)
            {
                throw new ArgumentException($"Expected sequence number {nextSequenceNumber}, got {message.SequenceNumber}.", nameof(message));
            }

            pending.AddLast(message);
            nextSequenceNumber++;
            Signal();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxMessage>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (pending.Count > 0)
                {
                    return pending.Take(max).ToList();
                }

                if (completed)
                {
                    return [];
                }

                wait = changed.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(IReadOnlyCollection<OutboxMessage> delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        lock (gate)
        {
            foreach (var message in delivered)
            {
                pending.Remove(message);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void Complete()
    {
        lock (gate)
        {
            completed = true;
            Signal();
        }
    }

    void Signal()
    {
        changed.TrySetResult();
        changed = NewSignal();
    }

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
