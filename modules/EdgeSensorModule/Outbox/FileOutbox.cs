using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Outbox;

/// <summary>
/// The durable outbox: an append-only log of CRC-checked records in segment files under <c>Outbox__Path</c>
/// (<see cref="OutboxRecords"/>, <see cref="OutboxSegment"/>). A reading is written (and, by default, flushed to the
/// device) before <see cref="AppendAsync"/> returns; a settle record marks it delivered after the hub's PUBACK. Only an
/// index of pending readings (sequence number → file offset) stays in memory. Limits and the send order are in
/// docs/reliability.md.
/// </summary>
public sealed partial class FileOutbox : IOutbox, IDisposable
{
    static readonly TimeSpan OverflowLogInterval = TimeSpan.FromMinutes(1);

    readonly Lock gate = new();
    readonly string folder;
    readonly OutboxOptions options;
    readonly TimeProvider clock;
    readonly ILogger logger;
    readonly long segmentBytes;
    readonly List<OutboxSegment> segments = [];
    readonly Dictionary<long, Entry> entries = [];
    readonly SortedSet<long> order = [];
    FileStream? folderLock;
    OutboxSegment? active;
    long lastSegmentNumber;
    long nextSequenceNumber;
    long dropped;
    bool completed;
    bool diskFailing;
    DateTimeOffset? overflowLogged;
    TaskCompletionSource changed = NewSignal();

    /// <summary>Opens (or creates) the outbox configured by <c>Outbox__*</c>; a relative path is under the content root.</summary>
    public FileOutbox(IOptions<OutboxOptions> options, IHostEnvironment environment, TimeProvider clock, ILogger<FileOutbox> logger)
        : this(Path.GetFullPath(options?.Value.Path ?? "", environment?.ContentRootPath ?? ""), options!.Value, clock, logger)
    {
    }

    /// <summary>Opens (or creates) the outbox in <paramref name="folder"/> and recovers what an earlier run left.</summary>
    public FileOutbox(string folder, OutboxOptions options, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.folder = folder;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        segmentBytes = Math.Clamp(options.MaxBytes / 16, 16 * 1024, 16 * 1024 * 1024);
        Open();
    }

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
                return entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public long Dropped
    {
        get
        {
            lock (gate)
            {
                return dropped;
            }
        }
    }

    /// <summary>Bytes the segment files take on disk.</summary>
    public long DiskBytes
    {
        get
        {
            lock (gate)
            {
                return segments.Sum(s => s.Length);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var record = OutboxRecords.Append(message);
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

            MakeRoom(record.Length);
            Store(message, record);
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
                if (order.Count > 0)
                {
                    return Load(SendOrder(max));
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
            var settled = delivered.Select(m => m.SequenceNumber).Where(Settle).ToList();
            WriteSettle(SettleReason.Delivered, settled);
            Compact();
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

    /// <summary>Flushes the last settle records and closes the files.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            try
            {
                active?.Flush();
            }
            catch (IOException)
            {
                // Unflushed settle records only mean those readings may be sent once more after a power loss.
            }

            foreach (var segment in segments)
            {
                segment.Dispose();
            }

            segments.Clear();
            folderLock?.Dispose();
        }
    }

    /// <summary>
    /// The send order: when more is pending than fits in one batch, a quarter of the batch (rounded down) goes to the
    /// newest readings, newest first, and the rest to the oldest, so live readings are not starved behind a backlog and
    /// the backlog drains from its old end (which is also what lets old segments be deleted).
    /// </summary>
    List<long> SendOrder(int max)
    {
        if (order.Count <= max)
        {
            return [.. order];
        }

        var live = max / 4;
        return [.. order.Reverse().Take(live), .. order.Take(max - live)];
    }

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

    void Store(OutboxMessage message, byte[] record)
    {
        var sequence = message.SequenceNumber;
        try
        {
            var segment = WritableSegment(record.Length);
            var offset = segment.Append(record, options.FlushEachReading);
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

    void Signal()
    {
        changed.TrySetResult();
        changed = NewSignal();
    }

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where a pending reading is: a record in a segment, or only in memory when the disk refused it.</summary>
    sealed record Entry(OutboxSegment? Segment, long Offset, int Length, OutboxMessage? InMemory);
}
