using Microsoft.Extensions.Hosting;

namespace EdgeSensorModule.Tests.Delivery;

/// <summary>A host lifetime whose stop request the test ignores.</summary>
internal sealed class NoLifetime : IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => CancellationToken.None;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication()
    {
    }
}
