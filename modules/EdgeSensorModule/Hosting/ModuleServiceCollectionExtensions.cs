using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.HubConnection.Amqp;
using EdgeSensorModule.HubConnection.Proxy;
using EdgeSensorModule.Metrics;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Provisioning;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Twin;
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
            .AddModuleMetrics(builder.Configuration)
            .AddShutdown()
            .AddRemoteManagement()
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

    static IServiceCollection AddOutbox(this IServiceCollection services) => services
        .AddSingleton<IOutbox, FileOutbox>()
        .AddSingleton<SampledReadings>()
        .OpenAtStartup<IOutbox>();

    static IServiceCollection OpenAtStartup<TService>(this IServiceCollection services)
        where TService : notnull => services.AddSingleton<IStartupCheck, OpenAtStartup<TService>>();

    /// <summary>
    /// The host's own limit for stopping: the longest <c>Telemetry__ShutdownTimeout</c> allowed plus a margin to
    /// disconnect and close files. Delivery ends in-flight sends at the configured timeout itself; this limit is fixed
    /// because the host reads it while it is built, before the settings are validated and reported as one line.
    /// </summary>
    static IServiceCollection AddShutdown(this IServiceCollection services) =>
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TelemetryOptions.ShutdownTimeoutRange.Max + TimeSpan.FromSeconds(2));

    static IServiceCollection AddIotHubClient(this IServiceCollection services) => services
        .AddSingleton(provider => DeviceIdentity.Load(Device(provider), provider.GetRequiredService<TimeProvider>().GetUtcNow(),
            provisioned: provider.GetRequiredService<IOptions<ProvisioningOptions>>().Value.IsEnabled))
        .AddSingleton(provider => ServerTrust.Load(Device(provider)))
        .AddSingleton(provider => new ProxySetting(HttpProxy.Load(Device(provider))))
        .AddSingleton(provider => new CurrentHub(Device(provider)))
        .AddSingleton(provider => provider.ProvisionedOr(device => HubClient(provider, device)))
        .AddSingleton(provider => provider.GetRequiredService<IHubClient>() as ICloudChannel
            ?? new OneWayChannel(Device(provider).Transport, provider.GetRequiredService<ILogger<OneWayChannel>>()))
        .OpenAtStartup<ClientIdentity>()
        .OpenAtStartup<ServerTrust>()
        .OpenAtStartup<ProxySetting>();

    /// <summary>The one place that knows the transports: delivery drives whichever <see cref="IHubClient"/> this returns.</summary>
    /// <param name="provider">The services.</param>
    /// <param name="device">The settings, or a copy with the hub and device id DPS assigned.</param>
    static IHubClient HubClient(IServiceProvider provider, DeviceOptions device)
    {
        var identity = provider.GetRequiredService<ClientIdentity>();
        var trust = provider.GetRequiredService<ServerTrust>().Anchors;
        return device.Transport switch
        {
            HubTransportKind.Mqtt or HubTransportKind.MqttWebSocket => new MqttHubClient(
                device, identity, trust, provider.GetRequiredService<ILogger<MqttHubClient>>(), provider.GetRequiredService<ProxySetting>().Proxy),
            HubTransportKind.Amqp => new AmqpHubClient(device, identity, trust, provider.GetRequiredService<ILogger<AmqpHubClient>>()),
            _ => throw new InvalidOperationException($"Device__Transport {device.Transport} passed validation but has no client."),
        };
    }

    static DeviceOptions Device(IServiceProvider provider) => provider.GetRequiredService<IOptions<DeviceOptions>>().Value;
}
