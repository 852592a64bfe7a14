using EdgeSensorModule.Delivery;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Methods;
using EdgeSensorModule.Sampling;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeSensorModule.Twin;

/// <summary>Registers remote management: live settings, the twin, direct methods.</summary>
public static class TwinServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LiveSettings"/> (read by sampling, the alert and delivery), the on-demand reading control, the
    /// status report and, when the hub client has a cloud channel, the <see cref="TwinService"/>. Add it before the
    /// sampling and delivery services, so the remote settings are restored before sampling starts.
    /// </summary>
    public static IServiceCollection AddRemoteManagement(this IServiceCollection services) => services
        .AddSingleton<LiveSettings>()
        .AddSingleton<SamplingControl>()
        .AddSingleton<DeliveryProgress>()
        .AddSingleton<StatusReport>()
        .AddSingleton<DirectMethods>()
        .AddHostedService<TwinService>();
}
