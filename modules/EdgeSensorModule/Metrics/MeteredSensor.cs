using EdgeSensorModule.Sensors;

namespace EdgeSensorModule.Metrics;

/// <summary>Counts the readings and failures of the configured sensor, changing nothing about them.</summary>
internal sealed class MeteredSensor(ISensor inner, ModuleMetrics metrics) : ISensor, IDisposable
{
    public string Description => inner.Description;

    public async ValueTask<SensorResult> ReadAsync(CancellationToken cancellationToken)
    {
        var result = await inner.ReadAsync(cancellationToken);
        if (result.IsSuccess)
        {
            metrics.ReadingTaken();
        }
        else
        {
            metrics.SensorFailed(result.Failure);
        }

        return result;
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
