namespace EdgeSensorModule.Sensors.Resilience;

/// <summary>How one piece of work on the bus ended: a value, an exception, or no answer in time.</summary>
/// <param name="BusBusy">With <paramref name="TimedOut"/>: the bus was still held by an earlier call that has not returned.</param>
internal readonly record struct BusOutcome<T>(T? Value, Exception? Error, bool TimedOut, bool BusBusy = false);

/// <summary>
/// Runs blocking binding calls on a worker thread, one at a time per bus, bounded by a timeout. A call that
/// outlives its timeout is told to stop (its guarded device throws at the next transfer); the bus stays locked
/// until it has returned, and whatever it produced late is disposed.
/// </summary>
internal sealed class BusWork(SemaphoreSlim bus, TimeSpan timeout, TimeProvider clock)
{
    /// <param name="work">The blocking call; it receives the token that fires when its caller gave up.</param>
    /// <param name="abandonedOwner">Disposed once <paramref name="work"/> returns, when it timed out (the chip it used).</param>
    /// <param name="cancellationToken">Shutdown.</param>
    public async Task<BusOutcome<T>> RunAsync<T>(Func<CancellationToken, T> work, IDisposable? abandonedOwner, CancellationToken cancellationToken)
    {
        if (!await bus.WaitAsync(timeout, cancellationToken))
        {
            return new(default, null, TimedOut: true, BusBusy: true);
        }

        using var deadline = new CancellationTokenSource();
        var task = Task.Run(
            () =>
            {
                try
                {
                    return work(deadline.Token);
                }
                finally
                {
                    bus.Release();
                }
            },
            CancellationToken.None);
        try
        {
            return new(await task.WaitAsync(timeout, clock, cancellationToken), null, TimedOut: false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            Abandon(task, deadline, abandonedOwner);
            return new(default, null, TimedOut: true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abandon(task, deadline, null);
            throw;
        }
#pragma warning disable CA1031 // Any failure of a binding is a failed read, classified by the caller; the module must not stop on it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new(default, ex, TimedOut: false);
        }
    }

    static void Abandon<T>(Task<T> task, CancellationTokenSource deadline, IDisposable? owner)
    {
        deadline.Cancel();
        _ = task.ContinueWith(
            done =>
            {
                if (done.Status == TaskStatus.RanToCompletion && done.Result is IDisposable late)
                {
                    late.Dispose();
                }

                owner?.Dispose();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
