namespace EdgeSensorModule.Retry;

/// <summary>Capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter").</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan cap, Random? random = null)
{
    readonly Random random = random ?? Random.Shared;
    int attempt;

    /// <summary>The next delay: uniform in [base/2, base], base = min(cap, initial · 2^attempt).</summary>
    public TimeSpan Next()
    {
        var ceiling = Math.Min(cap.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        attempt++;
        return TimeSpan.FromMilliseconds((ceiling / 2) + (random.NextDouble() * ceiling / 2));
    }

    /// <summary>After a success: start again from <c>initial</c>.</summary>
    public void Reset() => attempt = 0;
}
