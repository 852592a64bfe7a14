using System.Threading.Channels;
using EdgeSensorModule.Sensors;

namespace EdgeSensorModule.Sampling;

/// <summary>The outcome of an on-demand reading (direct method <c>readNow</c>).</summary>
/// <param name="Reading">The reading; null when none could be taken.</param>
/// <param name="TemperatureAlert">The alert flag sent with it.</param>
/// <param name="Queued">True when the outbox stored it as telemetry.</param>
/// <param name="Failure">Why there is no reading.</param>
public sealed record ReadNowResult(SensorReading? Reading, bool TemperatureAlert, bool Queued, string? Failure);

/// <summary>
/// Lets others steer the sampling loop without touching the sensor (one reader at a time): wake it when the interval
/// changed, or ask it for a reading now. The loop takes the reading itself, so it is stored, numbered and alerted like
/// any other, and the sensor is never read twice at once.
/// </summary>
public sealed class SamplingControl
{
    /// <summary>On-demand readings waiting at most; more are refused as busy.</summary>
    public const int MaxWaiting = 8;

    readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly Channel<TaskCompletionSource<ReadNowResult>> requests = Channel.CreateBounded<TaskCompletionSource<ReadNowResult>>(MaxWaiting);
    volatile bool running;

    /// <summary>Wakes the loop to look at its settings again.</summary>
    public void Wake() => wake.Writer.TryWrite(true);

    /// <summary>Asks for a reading now; answers within <paramref name="timeout"/>, a failure when none could be taken.</summary>
    public async Task<ReadNowResult> ReadNowAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!running)
        {
            return new ReadNowResult(null, false, false, "sampling is not running (Telemetry__MessageCount reached, or the module is stopping)");
        }

        var answer = new TaskCompletionSource<ReadNowResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!requests.Writer.TryWrite(answer))
        {
            return new ReadNowResult(null, false, false, $"{MaxWaiting} on-demand readings are already waiting");
        }

        Wake();
        try
        {
            return await answer.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return new ReadNowResult(null, false, false, $"the sensor gave no reading within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Called by the loop: it starts or stops taking requests.</summary>
    internal void SetRunning(bool value)
    {
        running = value;
        if (!value)
        {
            while (requests.Reader.TryRead(out var request))
            {
                request.TrySetResult(new ReadNowResult(null, false, false, "sampling stopped"));
            }
        }
    }

    /// <summary>The next waiting request, if any.</summary>
    internal bool TryTake(out TaskCompletionSource<ReadNowResult> request) => requests.Reader.TryRead(out request!);

    /// <summary>Waits for a wake-up or until <paramref name="delay"/> has passed; true when woken.</summary>
    internal async Task<bool> WaitAsync(TimeSpan delay, TimeProvider clock, CancellationToken stoppingToken)
    {
        using var timer = new CancellationTokenSource(delay, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
        try
        {
            await wake.Reader.ReadAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
