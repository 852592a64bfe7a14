using System.Threading.Channels;

namespace EndToEnd;

/// <summary>Counts messages as they arrive at whoever watches a run (a subscriber, the hub's log): wait for so many, or take what came.</summary>
internal sealed class ArrivalCounter
{
    readonly Channel<bool> arrived = Channel.CreateUnbounded<bool>(new() { SingleReader = true, SingleWriter = true });

    /// <summary>One message arrived.</summary>
    public void Arrived() => arrived.Writer.TryWrite(true);

    /// <summary>Waits for <paramref name="count"/> arrivals; fails with how many came when they don't come in time.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        for (var seen = 0; seen < count; seen++)
        {
            try
            {
                await arrived.Reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Received {seen} of {count} messages within {timeout}.");
            }
        }
    }

    /// <summary>How many arrived and were not yet waited for.</summary>
    public int Drain()
    {
        var count = 0;
        while (arrived.Reader.TryRead(out _))
        {
            count++;
        }

        return count;
    }
}
