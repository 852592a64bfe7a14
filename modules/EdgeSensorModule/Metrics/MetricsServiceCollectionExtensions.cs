using System.Globalization;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Hosting;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sensors;
using IotHub.Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Metrics;

/// <summary>Registers the Prometheus endpoint when <c>Metrics__Port</c> is set; add it after the sensor and the hub client.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Metrics__*</c>. With a port, counts through the sensor and the hub client (wrapped, so the code doing the
    /// work is unchanged) and serves <c>/metrics</c>; with 0 (the default) registers nothing else and costs nothing.
    /// </summary>
    public static IServiceCollection AddModuleMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();

        // Read leniently to decide what to register: a bad value is reported by the validator at startup.
        if (!int.TryParse(configuration[$"{MetricsOptions.Section}:{nameof(MetricsOptions.Port)}"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            return services;
        }

        services.AddSingleton<ModuleMetrics>();
        services.AddSingleton(provider => new MetricsCollector(provider.GetRequiredService<ModuleMetrics>().Meter));
        services.AddSingleton(provider => new MetricsLabels(configuration, provider.GetRequiredService<CurrentHub>()));
        services.AddSingleton(provider => new ModuleGauges(
            provider.GetRequiredService<ModuleMetrics>(),
            provider.GetRequiredService<IOutbox>(),
            provider.GetRequiredService<IHubClient>(),
            provider.GetRequiredService<ClientIdentity>().Certificate,
            Path.GetFullPath(provider.GetRequiredService<IOptions<OutboxOptions>>().Value.Path, provider.GetRequiredService<IHostEnvironment>().ContentRootPath),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<MetricsEndpoint>();
        services.AddSingleton<IStartupCheck>(provider =>
        {
            _ = provider.GetRequiredService<ModuleGauges>();
            return provider.GetRequiredService<MetricsEndpoint>();
        });
        services.AddHostedService(provider => provider.GetRequiredService<MetricsEndpoint>());
        return services
            .Decorate<ISensor>((sensor, provider) => new MeteredSensor(sensor, provider.GetRequiredService<ModuleMetrics>()))
            .Decorate<IHubClient>((hub, provider) => new MeteredHubClient(hub, provider.GetRequiredService<ModuleMetrics>()));
    }

    /// <summary>Replaces the registration of <typeparamref name="T"/> with one that wraps what it made.</summary>
    static IServiceCollection Decorate<T>(this IServiceCollection services, Func<T, IServiceProvider, T> wrap)
        where T : class
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(T) && !d.IsKeyedService)
            ?? throw new InvalidOperationException($"Register {typeof(T).Name} before AddModuleMetrics.");
        services.Remove(original);
        services.Add(ServiceDescriptor.Describe(typeof(T), provider => wrap((T)Create(original, provider), provider), original.Lifetime));
        return services;
    }

    static object Create(ServiceDescriptor descriptor, IServiceProvider provider) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(provider)
        ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!);
}
