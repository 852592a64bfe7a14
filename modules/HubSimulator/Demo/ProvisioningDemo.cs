using HubSimulator.Hosting;
using HubSimulator.Provisioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubSimulator.Demo;

/// <summary>
/// <c>demo --provisioning</c>: the fleet path instead of registering the device. The verified root CA gets an
/// enrollment group in the simulator's DPS, and the module provisions itself with its certificate (no
/// <c>Device__Id</c>, no <c>Device__HostName</c>): DPS creates the device and tells it which hub to use.
/// </summary>
public static class ProvisioningDemo
{
    /// <summary>The demo's enrollment group.</summary>
    public const string GroupId = "demo-fleet";

    /// <summary>Enrolls the verified CA <paramref name="caName"/> in DPS (once: a later run finds the group).</summary>
    public static string Enroll(IServiceProvider hub, string caName)
    {
        var enrollments = hub.GetRequiredService<EnrollmentStore>();
        if (enrollments.Snapshot().Groups.Any(g => g.GroupId == GroupId))
        {
            return $"enrollment group '{GroupId}' on CA '{caName}' kept from an earlier run";
        }

        enrollments.AddGroup(new AddGroupRequest(GroupId, caName));
        return $"enrollment group '{GroupId}' on CA '{caName}': devices with a certificate it issued provision themselves";
    }

    /// <summary>
    /// The module's settings for DPS in place of the hub's: the id scope, the simulator's DPS endpoint and its CA.
    /// <c>Device__Port</c> stays: the hub DPS assigns is this simulator, on its device port.
    /// </summary>
    public static void UseProvisioning(IDictionary<string, string?> settings, IServiceProvider hub, int provisioningPort, string serverCaPem)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Remove("Device__Id");
        settings.Remove("Device__HostName");
        settings["Provisioning__IdScope"] = hub.GetRequiredService<IOptions<SimulatorOptions>>().Value.IdScope;
        settings["Provisioning__GlobalEndpoint"] = "localhost";
        settings["Provisioning__Port"] = provisioningPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Provisioning__TrustBundlePath"] = Path.GetFullPath(serverCaPem);
    }
}
