using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors.Drivers;
using EdgeSensorModule.Sensors.Resilience;
using EdgeSensorModule.Tests.Sensors.Emulators;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeSensorModule.Tests.Sensors;

/// <summary>The module's sensor stack (resilience, driver, real binding) over an emulated bus, as the module wires it.</summary>
internal static class SensorStack
{
    public static SensorOptions Options(SensorType type, Action<SensorOptions>? configure = null)
    {
        var options = new SensorOptions { Type = type, RetryDelay = TimeSpan.Zero, ReadTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        return options;
    }

    public static ResilientSensor Create(EmulatedBus bus, SensorOptions options, TimeProvider clock)
    {
        var connector = new ChipConnector(options, bus.Factory);
        return new ResilientSensor(
            connector.Connect,
            connector.Description,
            new SemaphoreSlim(1, 1),
            options,
            clock,
            new SensorHealth(),
            NullLogger<ResilientSensor>.Instance,
            new Random(1));
    }
}
