using System.Globalization;
using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Delivery;
using IotHub.Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Hosting;

/// <summary>Wires the module: one call per concern.</summary>
public static class ModuleServiceCollectionExtensions
{
    /// <summary>Adds everything the module runs on to <paramref name="builder"/>.</summary>
    public static HostApplicationBuilder AddEdgeSensorModule(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddTimeProvider();
        builder.Services
            .AddModuleOptions(builder.Configuration)
            .AddSensor()
            .AddAlerts()
            .AddOutbox()
            .AddIotHubClient()
            .AddShutdown(builder.Configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.ShutdownTimeout)}"])
            // The host stops services in reverse order: sampling stops first, then delivery finishes what is in flight.
            .AddHostedService<DeliveryService>()
            .AddHostedService<SamplingService>();
        return builder;
    }

    static IServiceCollection TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }

        return services;
    }

    static IServiceCollection AddAlerts(this IServiceCollection services) => services.AddSingleton<TemperatureAlertPolicy>();

    static IServiceCollection AddOutbox(this IServiceCollection services) => services.AddSingleton<IOutbox, FileOutbox>().AddSingleton<SampledReadings>();

    /// <summary>The host waits for in-flight sends (<c>Telemetry__ShutdownTimeout</c>) plus a margin to disconnect and close files.</summary>
    static IServiceCollection AddShutdown(this IServiceCollection services, string? configured)
    {
        // Read leniently: HostOptions is built before the module's settings are validated; a bad value is reported then.
        var grace = TimeSpan.TryParse(configured, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(1)
            ? value
            : new TelemetryOptions().ShutdownTimeout;
        return services.Configure<HostOptions>(host => host.ShutdownTimeout = grace + TimeSpan.FromSeconds(2));
    }

    static IServiceCollection AddIotHubClient(this IServiceCollection services) => services
        .AddSingleton(provider => DeviceIdentity.Load(Device(provider), provider.GetRequiredService<TimeProvider>().GetUtcNow()))
        .AddSingleton(provider => ServerTrust.Load(Device(provider)))
        .AddSingleton<IHubClient>(provider => new MqttHubClient(
            Device(provider),
            provider.GetRequiredService<ClientIdentity>(),
            provider.GetRequiredService<ServerTrust>().Anchors,
            provider.GetRequiredService<ILogger<MqttHubClient>>()));

    static DeviceOptions Device(IServiceProvider provider) => provider.GetRequiredService<IOptions<DeviceOptions>>().Value;
}
