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
using EdgeSensorModule.Identity;
using EdgeSensorModule.Twin;
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
        .AddSingleton(provider => ClientIdentitySource.Load(Device(provider), provider.GetRequiredService<TimeProvider>().GetUtcNow(),
            provisioned: provider.GetRequiredService<IOptions<ProvisioningOptions>>().Value.IsEnabled))
        .AddSingleton<IClientIdentitySource>(provider => provider.GetRequiredService<ClientIdentitySource>())
        .AddSingleton(provider => ServerTrust.Load(Device(provider)))
        .AddSingleton(provider => new ProxySetting(HttpProxy.Load(Device(provider))))
        .AddSingleton(provider => new CurrentHub(Device(provider)))
        .AddSingleton(provider => provider.ProvisionedOr(device => HubClient(provider, device)))
        .AddSingleton(provider => CloudChannel(provider.GetRequiredService<IHubClient>())
            ?? new OneWayChannel(Device(provider).Transport, provider.GetRequiredService<ILogger<OneWayChannel>>()))
        .OpenAtStartup<IClientIdentitySource>()
        .OpenAtStartup<ServerTrust>()
        .OpenAtStartup<ProxySetting>()
        .AddCertificateRotation();

    /// <summary>The one place that knows the transports: delivery drives whichever <see cref="IHubClient"/> this returns.</summary>
    /// <remarks>Each client reads the identity from <see cref="IClientIdentitySource"/> at every connect, so a rotation reaches them all.</remarks>
    /// <param name="provider">The services.</param>
    /// <param name="device">The settings, or a copy with the hub and device id DPS assigned.</param>
    static IHubClient HubClient(IServiceProvider provider, DeviceOptions device)
    {
        var identities = provider.GetRequiredService<IClientIdentitySource>();
        var trust = provider.GetRequiredService<ServerTrust>().Anchors;
        var proxy = provider.GetRequiredService<ProxySetting>().Proxy;
        return device.Transport switch
        {
            HubTransportKind.Mqtt or HubTransportKind.MqttWebSocket => new MqttHubClient(
                device, identities, trust, provider.GetRequiredService<ILogger<MqttHubClient>>(), proxy),
            HubTransportKind.Amqp or HubTransportKind.AmqpWebSocket => new AmqpHubClient(
                device, identities, trust, provider.GetRequiredService<ILogger<AmqpHubClient>>(), proxy),
            _ => throw new InvalidOperationException($"Device__Transport {device.Transport} passed validation but has no client."),
        };
    }

    /// <summary>Watches the identity's files for a renewal and reports the certificate's expiry (<see cref="CertificateRotationService"/>).</summary>
    static IServiceCollection AddCertificateRotation(this IServiceCollection services) => services
        .AddSingleton(provider => new ExpiryWarnings(
            Device(provider).CertificateExpiryWarning, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<ExpiryWarnings>>()))
        .AddHostedService<CertificateRotationService>();

    /// <summary>The hub client's cloud channel, seen through the metrics wrapper (Metrics__Port); null when its transport has none.</summary>
    static ICloudChannel? CloudChannel(IHubClient hub) => hub switch
    {
        ICloudChannel channel => channel,
        MeteredHubClient metered => metered.Inner as ICloudChannel,
        _ => null,
    };

    static DeviceOptions Device(IServiceProvider provider) => provider.GetRequiredService<IOptions<DeviceOptions>>().Value;
}
