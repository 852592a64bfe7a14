using EdgeSensorModule.Outbox;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>The store's contract: messageIds issued in order, pending readings read back from either end, acknowledgement, limits.</summary>
public sealed class FileOutboxTests : IDisposable
{
    static readonly HashSet<long> None = [];

    readonly OutboxFiles files = new();

    [Fact]
    public void Append_FreshFolder_IssuesMessageIdsFromZeroOneByOne()
    {
        using var outbox = files.Open();

        var appended = OutboxFiles.Append(outbox, 5);

        Assert.Equal([0L, 1, 2, 3, 4], appended.Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Pending_FromTheOldestEnd_ReturnsOldestFirst()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 10);

        Assert.Equal([0L, 1, 2], outbox.Pending(3, None, PendingEnd.Oldest).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Pending_FromTheNewestEnd_ReturnsNewestFirst()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 10);

        Assert.Equal([9L, 8, 7], outbox.Pending(3, None, PendingEnd.Newest).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Pending_SomeSkipped_LeavesThemOut()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 5);

        Assert.Equal([2L, 3, 4], outbox.Pending(8, new HashSet<long> { 0, 1 }, PendingEnd.Oldest).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Pending_NotAcknowledged_ReturnsTheSameMessagesAgain()
    {
        using var outbox = files.Open();
        var appended = OutboxFiles.Append(outbox, 3);

        var first = outbox.Pending(10, None, PendingEnd.Oldest);
        var second = outbox.Pending(10, None, PendingEnd.Oldest);

        Assert.Equal(3, second.Count);
        foreach (var (expected, (a, b)) in appended.Zip(first.Zip(second)))
        {
            OutboxFiles.AssertSameMessage(expected, a);
            OutboxFiles.AssertSameMessage(expected, b);
        }
    }

    [Fact]
    public void Acknowledge_Delivered_LeavesTheRest()
    {
        using var outbox = files.Open();
        var appended = OutboxFiles.Append(outbox, 2);

        outbox.Acknowledge([appended[0]]);

        Assert.Equal(1, Assert.Single(OutboxFiles.AllPending(outbox)).SequenceNumber);
    }

    [Fact]
    public void Append_MaxMessagesReached_DropsTheOldestAndCountsThem()
    {
        files.Options.MaxMessages = 5;
        using var outbox = files.Open();

        OutboxFiles.Append(outbox, 8);

        Assert.Equal([3L, 4, 5, 6, 7], OutboxFiles.AllPending(outbox).Select(m => m.SequenceNumber));
        Assert.Equal(3, outbox.Dropped);
    }

    [Fact]
    public void Append_MaxBytesReached_StaysWithinTheBoundAndKeepsTheNewest()
    {
        files.Options.MaxBytes = 256 * 1024;
        using var outbox = files.Open();

        OutboxFiles.Append(outbox, 3000);

        Assert.InRange(outbox.DiskBytes, 1, files.Options.MaxBytes);
        Assert.True(outbox.Dropped > 0, "nothing was dropped although 3000 readings do not fit in 256 KiB");
        var pending = OutboxFiles.AllPending(outbox).Select(m => m.SequenceNumber).ToList();
        Assert.Equal(Enumerable.Range((int)outbox.Dropped, 3000 - (int)outbox.Dropped).Select(i => (long)i), pending);
        Assert.InRange(Directory.GetFiles(files.Folder).Sum(f => new FileInfo(f).Length), 1, files.Options.MaxBytes);
    }

    [Fact]
    public void Acknowledge_EverythingDelivered_DeletesTheSettledSegments()
    {
        files.Options.MaxBytes = 256 * 1024; // 16 KiB segments
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 500);
        Assert.True(files.Segments.Length > 3, $"{files.Segments.Length} segments");

        while (outbox.Count > 0)
        {
            outbox.Acknowledge(outbox.Pending(64, None, PendingEnd.Oldest));
        }

        Assert.Single(files.Segments);
    }

    [Fact]
    public void Pending_OneRecordDamagedOnDisk_LosesOnlyThatReading()
    {
        using var outbox = files.Open();
        var appended = OutboxFiles.Append(outbox, 10);
        var readingThree = OutboxRecords.SegmentHeaderBytes + appended.Take(3).Sum(m => OutboxRecords.Append(m).Length);
        using (var segment = new FileStream(files.Segments[^1], FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            segment.Position = readingThree + (OutboxRecords.Append(appended[3]).Length / 2);
            var original = segment.ReadByte();
            segment.Position--;
            segment.WriteByte((byte)(original ^ 0x5A)); // read back in one run with its neighbours
        }

        var pending = OutboxFiles.AllPending(outbox);

        Assert.Equal([0L, 1, 2, 4, 5, 6, 7, 8, 9], pending.Select(m => m.SequenceNumber));
        Assert.All(pending, m => OutboxFiles.AssertSameMessage(appended[(int)m.SequenceNumber], m));
        Assert.Equal(1, outbox.Dropped);
    }

    public void Dispose() => files.Dispose();
}
