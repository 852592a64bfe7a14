using System.Text;
using EdgeSensorModule.Outbox;
using IotHub.Protocol;

namespace EdgeSensorModule.Tests.Outbox;

public class MemoryOutboxTests
{
    static OutboxMessage Message(long sequence) =>
        new(sequence, new HubMessage($"m{sequence}", null, null, null, [], Encoding.UTF8.GetBytes("{}")));

    [Fact]
    public async Task PeekAsync_AfterAppends_ReturnsOldestFirstUpToMax()
    {
        var outbox = new MemoryOutbox();
        for (var i = 0; i < 5; i++)
        {
            await outbox.AppendAsync(Message(i), CancellationToken.None);
        }

        var batch = await outbox.PeekAsync(3, CancellationToken.None);

        Assert.Equal([0L, 1, 2], batch.Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task PeekAsync_NotRemoved_ReturnsTheSameMessagesAgain()
    {
        var outbox = new MemoryOutbox();
        await outbox.AppendAsync(Message(0), CancellationToken.None);

        var first = await outbox.PeekAsync(10, CancellationToken.None);
        var second = await outbox.PeekAsync(10, CancellationToken.None);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RemoveAsync_Delivered_LeavesTheRest()
    {
        var outbox = new MemoryOutbox();
        await outbox.AppendAsync(Message(0), CancellationToken.None);
        await outbox.AppendAsync(Message(1), CancellationToken.None);
        var batch = await outbox.PeekAsync(1, CancellationToken.None);

        await outbox.RemoveAsync(batch, CancellationToken.None);

        Assert.Equal(1, Assert.Single(await outbox.PeekAsync(10, CancellationToken.None)).SequenceNumber);
    }

    [Fact]
    public async Task PeekAsync_Empty_WaitsForTheNextAppend()
    {
        var outbox = new MemoryOutbox();
        var waiting = outbox.PeekAsync(10, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        await outbox.AppendAsync(Message(0), CancellationToken.None);

        Assert.Equal(0, Assert.Single(await waiting).SequenceNumber);
    }

    [Fact]
    public async Task PeekAsync_CompletedAndEmpty_ReturnsNothing()
    {
        var outbox = new MemoryOutbox();
        var waiting = outbox.PeekAsync(10, CancellationToken.None).AsTask();

        outbox.Complete();

        Assert.Empty(await waiting);
    }

    [Fact]
    public async Task AppendAsync_WrongSequenceNumber_Throws()
    {
        var outbox = new MemoryOutbox();

        await Assert.ThrowsAsync<ArgumentException>(() => outbox.AppendAsync(Message(5), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task NextSequenceNumber_AfterAppends_CountsUpFromZero()
    {
        var outbox = new MemoryOutbox();
        Assert.Equal(0, outbox.NextSequenceNumber);

        await outbox.AppendAsync(Message(0), CancellationToken.None);

        Assert.Equal(1, outbox.NextSequenceNumber);
    }
}
