using EdgeSensorModule.Outbox;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>The pending readings' locations: order, out-of-order settling and readings written back out of order.</summary>
public sealed class PendingIndexTests
{
    static PendingLocation At(long sequence) => new(sequence, 1, (int)sequence * 10, 10);

    [Fact]
    public void Remove_OutOfOrderWithinAWindow_LeavesExactlyTheOthersInOrder()
    {
        var index = new PendingIndex();
        for (var s = 0; s < 1000; s++)
        {
            index.Add(At(s));
        }

        var settled = Enumerable.Range(0, 1000).Where(s => s % 3 != 0 || s > 900).Select(s => (long)s).Reverse().ToList();
        Assert.All(settled, s => Assert.True(index.Remove(s, out _)));

        var expected = Enumerable.Range(0, 901).Where(s => s % 3 == 0).Select(s => (long)s).ToList();
        Assert.Equal(expected, index.Ascending());
        Assert.Equal(expected.AsEnumerable().Reverse(), index.Descending());
        Assert.Equal(expected.Count, index.Count);
        Assert.False(index.Remove(1, out _));
        Assert.True(index.TryGet(3, out var location) && location == At(3));
    }

    [Fact]
    public void Add_OlderThanTheNewest_GoesInSequenceOrder()
    {
        var index = new PendingIndex();
        foreach (var s in new long[] { 5, 9, 2, 7, 0 })
        {
            index.Add(At(s));
        }

        Assert.Equal([0L, 2, 5, 7, 9], index.Ascending());
        Assert.Equal(0, index.Oldest);
    }
}
