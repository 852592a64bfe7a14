using EdgeSensorModule.Outbox;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>The outbox contract the delivery loop relies on: order, peek without loss, removal, waiting, limits.</summary>
public sealed class FileOutboxTests : IDisposable
{
    readonly OutboxFiles files = new();

    [Fact]
    public async Task PeekAsync_BacklogFitsInOneBatch_ReturnsOldestFirst()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 5);

        var batch = await outbox.PeekAsync(8, CancellationToken.None);

        Assert.Equal([0L, 1, 2, 3, 4], batch.Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task PeekAsync_BacklogLargerThanBatch_SendsNewestQuarterFirstThenOldest()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 100);

        var batch = await outbox.PeekAsync(8, CancellationToken.None);

        Assert.Equal([99L, 98, 0, 1, 2, 3, 4, 5], batch.Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task PeekAsync_BatchOfOne_NeverStarvesTheBacklog()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 3);

        Assert.Equal(0, Assert.Single(await outbox.PeekAsync(1, CancellationToken.None)).SequenceNumber);
    }

    [Fact]
    public async Task PeekAsync_NotRemoved_ReturnsTheSameMessagesAgain()
    {
        using var outbox = files.Open();
        var appended = await OutboxFiles.AppendAsync(outbox, 3);

        var first = await outbox.PeekAsync(10, CancellationToken.None);
        var second = await outbox.PeekAsync(10, CancellationToken.None);

        Assert.Equal(3, second.Count);
        foreach (var (expected, (a, b)) in appended.Zip(first.Zip(second)))
        {
            OutboxFiles.AssertSameMessage(expected, a);
            OutboxFiles.AssertSameMessage(expected, b);
        }
    }

    [Fact]
    public async Task RemoveAsync_Delivered_LeavesTheRest()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 2);
        var batch = await outbox.PeekAsync(1, CancellationToken.None);

        await outbox.RemoveAsync(batch, CancellationToken.None);

        Assert.Equal(1, Assert.Single(await outbox.PeekAsync(10, CancellationToken.None)).SequenceNumber);
        Assert.Equal(1, outbox.Count);
    }

    [Fact]
    public async Task PeekAsync_Empty_WaitsForTheNextAppend()
    {
        using var outbox = files.Open();
        var waiting = outbox.PeekAsync(10, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        await OutboxFiles.AppendAsync(outbox, 1);

        Assert.Equal(0, Assert.Single(await waiting.WaitAsync(TimeSpan.FromSeconds(10))).SequenceNumber);
    }

    [Fact]
    public async Task PeekAsync_CompletedAndEmpty_ReturnsNothing()
    {
        using var outbox = files.Open();
        var waiting = outbox.PeekAsync(10, CancellationToken.None).AsTask();

        outbox.Complete();

        Assert.Empty(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AppendAsync_WrongSequenceNumber_Throws()
    {
        using var outbox = files.Open();

        await Assert.ThrowsAsync<ArgumentException>(() => outbox.AppendAsync(OutboxFiles.Reading(5), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task AppendAsync_MaxMessagesReached_DropsTheOldestAndCountsThem()
    {
        files.Options.MaxMessages = 5;
        using var outbox = files.Open();

        await OutboxFiles.AppendAsync(outbox, 8);

        Assert.Equal([3L, 4, 5, 6, 7], (await OutboxFiles.AllPendingAsync(outbox)).Select(m => m.SequenceNumber));
        Assert.Equal(3, outbox.Dropped);
    }

    [Fact]
    public async Task AppendAsync_MaxBytesReached_StaysWithinTheBoundAndKeepsTheNewest()
    {
        files.Options.MaxBytes = 256 * 1024;
        using var outbox = files.Open();

        await OutboxFiles.AppendAsync(outbox, 3000);

        Assert.InRange(outbox.DiskBytes, 1, files.Options.MaxBytes);
        Assert.True(outbox.Dropped > 0, "nothing was dropped although 3000 readings do not fit in 256 KiB");
        var pending = (await OutboxFiles.AllPendingAsync(outbox)).Select(m => m.SequenceNumber).ToList();
        Assert.Equal(Enumerable.Range((int)outbox.Dropped, 3000 - (int)outbox.Dropped).Select(i => (long)i), pending);
        Assert.InRange(Directory.GetFiles(files.Folder).Sum(f => new FileInfo(f).Length), 1, files.Options.MaxBytes);
    }

    [Fact]
    public async Task RemoveAsync_EverythingDelivered_DeletesTheSettledSegments()
    {
        files.Options.MaxBytes = 256 * 1024; // 16 KiB segments
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 500);
        Assert.True(files.Segments.Length > 3, $"{files.Segments.Length} segments");

        while (outbox.Count > 0)
        {
            await outbox.RemoveAsync(await outbox.PeekAsync(64, CancellationToken.None), CancellationToken.None);
        }

        Assert.Single(files.Segments);
    }

    public void Dispose() => files.Dispose();
}
