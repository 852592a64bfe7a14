using EdgeSensorModule.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Sensors;

/// <summary>Registers the configured sensor driver.</summary>
public static class SensorServiceCollectionExtensions
{
    /// <summary>Adds the <see cref="ISensor"/> chosen by <c>Sensor__Type</c>.</summary>
    public static IServiceCollection AddSensor(this IServiceCollection services)
    {
        services.AddSingleton<ISensor>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SensorOptions>>().Value;
            return options.Type switch
            {
                SensorType.Fake => new FakeSensor(options.Seed, provider.GetRequiredService<TimeProvider>()),
                _ => throw new OptionsValidationException(SensorOptions.Section, typeof(SensorOptions),
                    [$"Sensor__Type {options.Type} has no driver yet: use Fake."]),
            };
        });
        return services;
    }
}
