namespace EdgeSensorModule.Tests.Outbox;

/// <summary>
/// What the sliding delivery window relies on: topping up skips what is in flight and never waits; and the
/// background flush (group commit) loses nothing that was appended.
/// </summary>
public sealed class FileOutboxWindowTests : IDisposable
{
    readonly OutboxFiles files = new();

    [Fact]
    public async Task PeekMore_SomeInFlight_ReturnsTheOthersOldestFirst()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 5);

        var more = outbox.PeekMore(8, new HashSet<long> { 0, 1 });

        Assert.Equal([2L, 3, 4], more.Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task PeekMore_BacklogLargerThanBatch_SendsNewestQuarterFirstThenOldestNotInFlight()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 100);

        var more = outbox.PeekMore(8, new HashSet<long> { 99, 98, 0, 1, 2, 3, 4, 5 });

        Assert.Equal([97L, 96, 6, 7, 8, 9, 10, 11], more.Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task PeekMore_EverythingInFlight_ReturnsEmptyAtOnce()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 2);

        Assert.Empty(outbox.PeekMore(8, new HashSet<long> { 0, 1 }));
    }

    [Fact]
    public async Task AppendAsync_BackgroundFlush_EveryReadingIsThereAfterReopening()
    {
        files.Options.FlushEachReading = true;
        List<EdgeSensorModule.Outbox.OutboxMessage> appended;
        using (var outbox = files.Open())
        {
            appended = await OutboxFiles.AppendAsync(outbox, 500);
        }

        using var reopened = files.Open();
        var pending = await OutboxFiles.AllPendingAsync(reopened);

        Assert.Equal(appended.Select(m => m.SequenceNumber), pending.Select(m => m.SequenceNumber));
        Assert.Equal(500, reopened.NextSequenceNumber);
    }

    public void Dispose() => files.Dispose();
}
