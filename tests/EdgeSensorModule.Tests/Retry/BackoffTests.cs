using EdgeSensorModule.Retry;

namespace EdgeSensorModule.Tests.Retry;

public class BackoffTests
{
    [Fact]
    public void Next_Repeated_DoublesWithinJitterUntilTheCap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), new Random(1));

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalSeconds).ToList();

        double[] ceilings = [1, 2, 4, 8, 10, 10, 10, 10];
        Assert.All(delays.Zip(ceilings), pair => Assert.InRange(pair.First, pair.Second / 2, pair.Second));
    }

    [Fact]
    public void Reset_AfterFailures_StartsAgainFromInitial()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(2));
        for (var i = 0; i < 5; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        Assert.InRange(backoff.Next().TotalSeconds, 0.5, 1);
    }
}
