using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Metrics;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Identity;
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
        .AddSingleton(provider => ClientIdentitySource.Load(Device(provider), provider.GetRequiredService<TimeProvider>().GetUtcNow()))
        .AddSingleton<IClientIdentitySource>(provider => provider.GetRequiredService<ClientIdentitySource>())
        .AddSingleton(provider => ServerTrust.Load(Device(provider)))
        .AddSingleton<IHubClient>(provider => new MqttHubClient(
            Device(provider),
            provider.GetRequiredService<IClientIdentitySource>(),
            provider.GetRequiredService<ServerTrust>().Anchors,
            provider.GetRequiredService<ILogger<MqttHubClient>>()))
        .OpenAtStartup<IClientIdentitySource>()
        .OpenAtStartup<ServerTrust>()
        .AddCertificateRotation();

    /// <summary>Watches the identity's files for a renewal and reports the certificate's expiry (<see cref="CertificateRotationService"/>).</summary>
    static IServiceCollection AddCertificateRotation(this IServiceCollection services) => services
        .AddSingleton(provider => new ExpiryWarnings(
            Device(provider).CertificateExpiryWarning, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<ExpiryWarnings>>()))
        .AddHostedService<CertificateRotationService>();

    static DeviceOptions Device(IServiceProvider provider) => provider.GetRequiredService<IOptions<DeviceOptions>>().Value;
}
