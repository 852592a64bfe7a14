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

    [Fact]
    public void AddAndRemove_ABacklogOverManyPages_MatchesASortedSetAtEveryStep()
    {
        // A backlog of 20,000 (ten pages) drained from both ends and out of order within a window, while new readings
        // arrive and one is now and then written back out of order: the index must agree with a plain sorted set.
        var index = new PendingIndex();
        var model = new SortedSet<long>();
        var random = new Random(15);
        long next = 0;
        void Add(long s)
        {
            index.Add(At(s));
            model.Add(s);
        }

        for (; next < 20_000; next++)
        {
            Add(next);
        }

        for (var step = 0; step < 60_000 && model.Count > 0; step++)
        {
            var choice = random.Next(10);
            if (choice < 2)
            {
                Add(next++);
            }
            else
            {
                var window = model.Count > 64 ? (choice < 4 ? model.Reverse() : model).Take(64).ToList() : [.. model];
                var s = window[random.Next(window.Count)];
                Assert.True(index.Remove(s, out var removed));
                Assert.Equal(At(s), removed);
                model.Remove(s);
                if (choice == 9 && s < next - 1)
                {
                    Add(s); // written back: older than the newest
                }
            }

            Assert.Equal(model.Count, index.Count);
            if (step % 5_000 == 0 || model.Count < 3)
            {
                Assert.Equal(model, index.Ascending());
                Assert.Equal(model.Reverse(), index.Descending());
            }
        }

        Assert.Equal(model, index.Ascending());
        Assert.True(model.Count == 0 || index.Oldest == model.Min);
    }
}
