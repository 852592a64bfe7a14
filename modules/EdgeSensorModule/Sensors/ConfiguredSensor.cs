using EdgeSensorModule.Hosting;
using EdgeSensorModule.Sensors.Resilience;

namespace EdgeSensorModule.Sensors;

/// <summary>
/// The sensor <c>Sensor__Type</c> chose and what it takes to start it: an I2C chip is connected before the host starts,
/// so a setup mistake (no bus, no permission, another chip) stops the module with its one line; the fake needs nothing.
/// </summary>
internal sealed class ConfiguredSensor : IStartupCheck
{
    readonly Func<CancellationToken, Task> start;

    ConfiguredSensor(ISensor sensor, Func<CancellationToken, Task> start)
    {
        Sensor = sensor;
        this.start = start;
    }

    /// <summary>The sensor the sampling loop reads.</summary>
    public ISensor Sensor { get; }

    /// <summary>A sensor that needs no start.</summary>
    public static ConfiguredSensor Ready(ISensor sensor) => new(sensor, _ => Task.CompletedTask);

    /// <summary>An I2C chip, connected once at startup.</summary>
    public static ConfiguredSensor Chip(ResilientSensor sensor)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        return new(sensor, sensor.StartAsync);
    }

    /// <inheritdoc />
    public Task RunAsync(CancellationToken cancellationToken) => start(cancellationToken);
}
