using HubSimulator.Provisioning;
using HubSimulator.Registry;
using TestInfrastructure;

namespace HubSimulator.Tests.Provisioning;

/// <summary>The official Azure IoT Node.js provisioning SDK (X.509 over MQTT) against the simulator's DPS endpoint: checked by a client we did not write.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class NodeProvisioningTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task NodeSdk_GroupEnrollmentOnTheRoot_AssignedToTheHubAndDeviceCreated()
    {
        hub.Enrollments.AddGroup(new AddGroupRequest("node-fleet", SimulatorFixture.RootCaName));
        var device = hub.Pki.IssueDevice("node-dps-1");

        var result = await ProvisionAsync("node-dps-1", device);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("assigned localhost node-dps-1", result.Output, StringComparison.Ordinal);
        Assert.Equal(DeviceAuthentication.CaSigned, hub.Registry.FindDevice("node-dps-1")?.Authentication);
        await hub.Logs.WaitForAsync(TimeSpan.FromSeconds(5), "DPS assigned 'node-dps-1'", "enrollment group 'node-fleet'");
    }

    [Fact]
    public async Task NodeSdk_DisabledIndividualEnrollment_IsRefusedAndNoDeviceCreated()
    {
        var device = hub.Pki.IssueDevice("node-dps-off");
        hub.Enrollments.AddIndividual(new AddIndividualRequest("node-dps-off", device.Certificate.Thumbprint, Enabled: false));

        var result = await ProvisionAsync("node-dps-off", device);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Null(hub.Registry.FindDevice("node-dps-off"));
        await hub.Logs.WaitForAsync(TimeSpan.FromSeconds(5), "DPS refused registration 'node-dps-off' with 401", "is disabled");
    }

    Task<ExternalResult> ProvisionAsync(string registrationId, DeviceFiles device) => Peers.NodeProvisionAsync(
        $"localhost:{hub.ProvisioningPort}", SimulatorFixture.IdScope, registrationId, device.FullChainPem, device.KeyPem, hub.Pki.ServerCaPem);
}
