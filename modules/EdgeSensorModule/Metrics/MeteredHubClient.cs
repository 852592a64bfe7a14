using System.Diagnostics;
using EdgeSensorModule.HubConnection;
using IotHub.Protocol;

namespace EdgeSensorModule.Metrics;

/// <summary>Times each acknowledgement and counts connections and failed sends of the hub client, changing nothing about them.</summary>
internal sealed class MeteredHubClient(IHubClient inner, ModuleMetrics metrics) : IHubClient
{
    /// <summary>The client measured (its cloud channel, if it has one, is used unmeasured).</summary>
    public IHubClient Inner => inner;

    public bool IsConnected => inner.IsConnected;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (inner.IsConnected)
        {
            return;
        }

        try
        {
            await inner.ConnectAsync(cancellationToken);
        }
        catch (HubException ex)
        {
            metrics.ConnectFailed(ex.ErrorCode);
            throw;
        }

        metrics.Connected();
    }

    public async Task SendAsync(HubMessage message, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await inner.SendAsync(message, cancellationToken);
        }
        catch (HubException)
        {
            metrics.SendFailed();
            throw;
        }

        metrics.Acknowledged(Stopwatch.GetElapsedTime(started));
    }

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
