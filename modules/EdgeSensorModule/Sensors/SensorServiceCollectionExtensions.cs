using EdgeSensorModule.Configuration;
using EdgeSensorModule.Hosting;
using EdgeSensorModule.Sensors.Drivers;
using EdgeSensorModule.Sensors.I2c;
using EdgeSensorModule.Sensors.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Sensors;

/// <summary>Registers the configured sensor driver.</summary>
public static class SensorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="ISensor"/> chosen by <c>Sensor__Type</c>, its <see cref="SensorHealth"/>, and the startup
    /// check of an I2C chip. The bus is opened through an <see cref="I2cDeviceFactory"/> registered beforehand,
    /// else through <c>/dev/i2c-N</c>.
    /// </summary>
    public static IServiceCollection AddSensor(this IServiceCollection services)
    {
        services.TryAddSingleton<I2cDeviceFactory>(LinuxI2c.Open);
        services.AddSingleton<I2cBusLocks>();
        services.AddSingleton<SensorHealth>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SensorOptions>>().Value;
            var clock = provider.GetRequiredService<TimeProvider>();
            if (options.Type == SensorType.Fake)
            {
                return ConfiguredSensor.Ready(new HealthRecordingSensor(new FakeSensor(options.Seed, clock), provider.GetRequiredService<SensorHealth>()));
            }

            var connector = new ChipConnector(options, provider.GetRequiredService<I2cDeviceFactory>(), provider.GetRequiredService<ILogger<ChipConnector>>());
            return ConfiguredSensor.Chip(new ResilientSensor(
                connector.Connect,
                connector.Description,
                provider.GetRequiredService<I2cBusLocks>().For(options.I2cBus),
                options,
                clock,
                provider.GetRequiredService<SensorHealth>(),
                provider.GetRequiredService<ILogger<ResilientSensor>>()));
        });
        services.AddSingleton(provider => provider.GetRequiredService<ConfiguredSensor>().Sensor);
        services.AddSingleton<IStartupCheck>(provider => provider.GetRequiredService<ConfiguredSensor>());
        return services;
    }
}
