using EdgeSensorModule.Hosting;

namespace EdgeSensorModule.Sensors.Resilience;

/// <summary>
/// Connects the I2C sensor before the host starts: a setup mistake (no bus, no permission, another chip) stops
/// the module with its one line; a chip that does not answer yet is logged and only delays readings.
/// </summary>
internal sealed class SensorStartupCheck(ISensor sensor) : IStartupCheck
{
    public Task RunAsync(CancellationToken cancellationToken) =>
        sensor is ResilientSensor resilient ? resilient.StartAsync(cancellationToken) : Task.CompletedTask;
}
