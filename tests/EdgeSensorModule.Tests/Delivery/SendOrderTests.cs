using EdgeSensorModule.Delivery;
using EdgeSensorModule.Tests.Outbox;

namespace EdgeSensorModule.Tests.Delivery;

/// <summary>The send order: oldest first when everything fits, else the newest quarter first, then the oldest; in-flight readings left out.</summary>
public sealed class SendOrderTests : IDisposable
{
    readonly OutboxFiles files = new();

    [Fact]
    public void Next_BacklogFitsInOneBatch_OldestFirst()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 5);

        Assert.Equal([0L, 1, 2, 3, 4], SendOrder.Next(outbox, 8).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Next_BacklogLargerThanBatch_NewestQuarterFirstThenOldest()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 100);

        Assert.Equal([99L, 98, 0, 1, 2, 3, 4, 5], SendOrder.Next(outbox, 8).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Next_BatchOfOne_NeverStarvesTheBacklog()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 3);

        Assert.Equal(0, Assert.Single(SendOrder.Next(outbox, 1)).SequenceNumber);
    }

    [Fact]
    public void Next_SomeInFlight_TheOthersOldestFirst()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 5);

        Assert.Equal([2L, 3, 4], SendOrder.Next(outbox, 8, new HashSet<long> { 0, 1 }).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Next_BacklogLargerThanBatchSomeInFlight_NewestQuarterThenOldestNotInFlight()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 100);

        var next = SendOrder.Next(outbox, 8, new HashSet<long> { 99, 98, 0, 1, 2, 3, 4, 5 });

        Assert.Equal([97L, 96, 6, 7, 8, 9, 10, 11], next.Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Next_EverythingInFlight_Empty()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 2);

        Assert.Empty(SendOrder.Next(outbox, 8, new HashSet<long> { 0, 1 }));
    }

    public void Dispose() => files.Dispose();
}
