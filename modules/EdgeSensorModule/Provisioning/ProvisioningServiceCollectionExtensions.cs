using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using IotHub.Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Provisioning;

/// <summary>Wires DPS in front of the hub client when <c>Provisioning__IdScope</c> is set.</summary>
public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>
    /// The hub client: <paramref name="connect"/> for the configured <c>Device__*</c> settings, or, with DPS, a
    /// <see cref="ProvisionedHubClient"/> that calls <paramref name="connect"/> with the hub and device id DPS assigned.
    /// </summary>
    public static IHubClient ProvisionedOr(this IServiceProvider provider, Func<DeviceOptions, IHubClient> connect)
    {
        ArgumentNullException.ThrowIfNull(connect);
        var device = provider.GetRequiredService<IOptions<DeviceOptions>>().Value;
        var provisioning = provider.GetRequiredService<IOptions<ProvisioningOptions>>().Value;
        if (!provisioning.IsEnabled)
        {
            return connect(device);
        }

        var identity = provider.GetRequiredService<ClientIdentity>();
        var trust = string.IsNullOrWhiteSpace(provisioning.TrustBundlePath) ? null : TrustBundle.Load(provisioning.TrustBundlePath, "Provisioning__TrustBundlePath");
        var clock = provider.GetRequiredService<TimeProvider>();
        var endpoint = $"{provisioning.GlobalEndpoint}:{provisioning.ResolvedPort}";
        var registrar = new DpsRegistrar(
            () => new MqttDpsChannel(provisioning.GlobalEndpoint, provisioning.ResolvedPort, provisioning.IdScope!, identity, trust, device.ConnectTimeout),
            provisioning.IdScope!, identity.CommonName, endpoint, clock, provider.GetRequiredService<ILogger<DpsRegistrar>>());
        var cache = new AssignmentCache(provider.GetRequiredService<IOptions<OutboxOptions>>().Value.Path, provider.GetRequiredService<ILogger<AssignmentCache>>());
        return new ProvisionedHubClient(device, provisioning, registrar, cache, provider.GetRequiredService<CurrentHub>(), connect, clock,
            provider.GetRequiredService<ILogger<ProvisionedHubClient>>());
    }
}
