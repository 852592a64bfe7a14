using Microsoft.Extensions.Hosting;

namespace EdgeSensorModule.Sensors.Resilience;

/// <summary>
/// Connects the I2C sensor while the host starts, before sampling: a setup mistake (no bus, no permission,
/// another chip) stops the module with its one line; a chip that does not answer yet only delays readings.
/// </summary>
internal sealed class SensorStartupService(ISensor sensor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        sensor is ResilientSensor resilient ? resilient.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
