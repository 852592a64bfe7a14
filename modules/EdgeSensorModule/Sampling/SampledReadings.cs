using System.Threading.Channels;

namespace EdgeSensorModule.Sampling;

/// <summary>
/// What sampling tells delivery besides the outbox's contents: another reading was stored, or sampling has ended
/// (<c>Telemetry__MessageCount</c> reached). Delivery waits here when it has sent everything pending.
/// </summary>
public sealed class SampledReadings
{
    readonly Channel<bool> news = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    volatile bool ended;

    /// <summary>True once sampling has taken its last reading: when the outbox is empty then, the run is over.</summary>
    public bool Ended => ended;

    /// <summary>A reading was stored in the outbox.</summary>
    public void Stored() => news.Writer.TryWrite(true);

    /// <summary>Sampling has ended; no reading follows.</summary>
    public void End()
    {
        ended = true;
        news.Writer.TryWrite(true);
    }

    /// <summary>
    /// Returns at the next <see cref="Stored"/> or <see cref="End"/>, or at once when one happened since the last wait
    /// (so read <see cref="Ended"/> and the outbox first, then wait: nothing is missed).
    /// </summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken) => await news.Reader.ReadAsync(cancellationToken);
}
