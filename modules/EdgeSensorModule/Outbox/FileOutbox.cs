using EdgeSensorModule.Configuration;
using IotHub.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Outbox;

/// <summary>
/// Keeps each reading on disk, under a messageId it issues once, until the hub acknowledges it or the limits drop it.
/// The store is an append-only log of CRC-checked records in segment files under <c>Outbox__Path</c>
/// (<see cref="OutboxRecords"/>, <see cref="OutboxSegment"/>): a reading is written before <see cref="Append"/> returns
/// and, by default, flushed to the device moments later (<see cref="GroupCommit"/>); a settle record marks it
/// acknowledged. Only an index of pending readings (messageId → segment, offset, length: <see cref="PendingIndex"/>) stays in memory. docs/reliability.md
/// gives the guarantees and limits.
/// </summary>
public sealed partial class FileOutbox : IOutbox, IDisposable
{
    static readonly TimeSpan OverflowLogInterval = TimeSpan.FromMinutes(1);

    /// <summary>A reading's record is written from one reused array up to this size (a typical reading takes ~350 bytes).</summary>
    const int ScratchBytes = 4096;

    readonly Lock gate = new();
    readonly string folder;
    readonly OutboxOptions options;
    readonly TimeProvider clock;
    readonly ILogger logger;
    readonly IFileFlush flush;
    readonly long segmentBytes;
    readonly List<OutboxSegment> segments = [];
    readonly PendingIndex pending = new();
    readonly Dictionary<long, OutboxMessage> heldInMemory = [];
    readonly List<PendingLocation> readRun = [];
    readonly byte[] recordScratch = new byte[ScratchBytes];
    GroupCommit? groupCommit;
    FileStream? folderLock;
    MessageIdReservation? reservation;
    OutboxSegment? active;
    long lastSegmentNumber;
    long nextSequenceNumber;
    long dropped;
    bool diskFailing;
    bool reservationFailing;
    bool closed;
    DateTimeOffset? overflowLogged;

    /// <summary>Opens (or creates) the outbox configured by <c>Outbox__*</c>; a relative path is under the content root.</summary>
    public FileOutbox(IOptions<OutboxOptions> options, IHostEnvironment environment, TimeProvider clock, ILogger<FileOutbox> logger)
        : this(Path.GetFullPath(options?.Value.Path ?? "", environment?.ContentRootPath ?? ""), options!.Value, clock, logger)
    {
    }

    /// <summary>Opens (or creates) the outbox in <paramref name="folder"/> and recovers what an earlier run left.</summary>
    public FileOutbox(string folder, OutboxOptions options, TimeProvider clock, ILogger logger, IFileFlush? flush = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        this.folder = folder;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        this.flush = flush ?? IFileFlush.ToDevice;
        segmentBytes = Math.Clamp(options.MaxBytes / 16, 16 * 1024, 16 * 1024 * 1024);
        nextFolderCheck = clock.GetTimestamp();
        Open();
        groupCommit = options.FlushEachReading ? new GroupCommit(logger) : null;
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
    public OutboxMessage? Append(Func<long, HubMessage> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            CheckFolder();
            var sequence = nextSequenceNumber;
            if (!Reserve(sequence))
            {
                return null;
            }

            var message = new OutboxMessage(sequence, create(sequence));
            var record = RecordOf(message);
            MakeRoom(record.Length);
            Store(message, record.Span);
            nextSequenceNumber++;
            return message;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<OutboxMessage> Pending(int max, IReadOnlySet<long> skip, PendingEnd from)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentNullException.ThrowIfNull(skip);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            var end = from == PendingEnd.Oldest ? pending.Ascending() : pending.Descending();
            return Load([.. (skip.Count == 0 ? end : end.Where(s => !skip.Contains(s))).Take(max)]);
        }
    }

    /// <inheritdoc />
    public void Acknowledge(IReadOnlyCollection<OutboxMessage> delivered)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            var settled = delivered.Select(m => m.SequenceNumber).Where(Settle).ToList();
            WriteSettle(SettleReason.Delivered, settled);
            Compact();
        }
    }

    /// <summary>Writes what it can, says exactly what is kept for the next start and what is lost, and closes the files.</summary>
    public void Dispose()
    {
        groupCommit?.Dispose();
        groupCommit = null;
        lock (gate)
        {
            if (closed)
            {
                return;
            }

            closed = true;
            CheckFolder(force: true);
            WriteHeldInMemory();
            try
            {
                foreach (var segment in segments)
                {
                    segment.Flush();
                }

                reservation?.Release(nextSequenceNumber);
            }
            catch (IOException)
            {
                // Unflushed settle records only mean those readings may be sent once more after a power loss; an
                // unreleased reservation only leaves a gap in the messageIds.
            }

            if (heldInMemory.Count == 0)
            {
                LogClosed(logger, pending.Count, folder);
            }
            else
            {
                LogClosedWithLoss(logger, pending.Count - heldInMemory.Count, folder, heldInMemory.Count);
            }

            CloseFiles();
        }
    }

    void CloseFiles()
    {
        foreach (var segment in segments)
        {
            segment.Dispose();
        }

        segments.Clear();
        reservation?.Dispose();
        folderLock?.Dispose();
        folderLock = null;
    }

    /// <summary>Issues <paramref name="sequence"/> only once a reservation covering it is on the device.</summary>
    /// <summary>The record of <paramref name="message"/>, in the reused array when it fits (it is written before the next append).</summary>
    ReadOnlyMemory<byte> RecordOf(OutboxMessage message)
    {
        var length = OutboxRecords.AppendLength(message);
        var record = length <= recordScratch.Length ? recordScratch.AsMemory(0, length) : new byte[length];
        OutboxRecords.WriteAppend(message, record.Span);
        return record;
    }

    bool Reserve(long sequence)
    {
        try
        {
            reservation ??= MessageIdReservation.Open(folder, nextSequenceNumber, flush, clock);
            reservation.Cover(sequence);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!reservationFailing)
            {
                reservationFailing = true;
                LogReservationFailed(logger, folder, sequence, ex.Message);
            }

            return false;
        }

        if (reservationFailing)
        {
            reservationFailing = false;
            LogReservationWorks(logger, folder, sequence);
        }

        return true;
    }
}
