namespace EdgeSensorModule.Sensors.Resilience;

/// <summary>
/// Records each read of a sensor that needs no reconnection (the fake one) in <see cref="SensorHealth"/>, as
/// <see cref="ResilientSensor"/> does for a chip, so the twin and <c>getStatus</c> report its health.
/// </summary>
public sealed class HealthRecordingSensor(ISensor inner, SensorHealth health) : ISensor
{
    /// <inheritdoc />
    public string Description => inner.Description;

    /// <inheritdoc />
    public async ValueTask<SensorResult> ReadAsync(CancellationToken cancellationToken)
    {
        var result = await inner.ReadAsync(cancellationToken);
        health.Record(result, chipConnected: true);
        return result;
    }
}
