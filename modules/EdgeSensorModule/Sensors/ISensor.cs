namespace EdgeSensorModule.Sensors;

/// <summary>A temperature/humidity sensor. Implementations are not thread-safe; one caller reads at a time.</summary>
public interface ISensor
{
    /// <summary>A short name for logs, e.g. "BME280 at 0x76 on /dev/i2c-1".</summary>
    string Description { get; }

    /// <summary>
    /// Takes one fresh measurement. Never returns a previous or invented value: a reading that cannot be taken
    /// is a <see cref="SensorResult"/> failure.
    /// </summary>
    ValueTask<SensorResult> ReadAsync(CancellationToken cancellationToken);
}
