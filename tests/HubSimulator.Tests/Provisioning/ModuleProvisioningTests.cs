using System.Globalization;
using System.Security.Cryptography;
using HubSimulator.Demo;
using HubSimulator.Provisioning;
using HubSimulator.Registry;
using IotHub.Certificates;
using TestInfrastructure;

namespace HubSimulator.Tests.Provisioning;

/// <summary>The real module process provisioning itself through the simulator's DPS endpoint, then sending to the assigned hub.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class ModuleProvisioningTests : IClassFixture<SimulatorFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    const string FleetGroup = "module-fleet";

    readonly SimulatorFixture hub;

    public ModuleProvisioningTests(SimulatorFixture hub)
    {
        this.hub = hub;
        if (!hub.Enrollments.Snapshot().Groups.Any(g => g.GroupId == FleetGroup))
        {
            hub.Enrollments.AddGroup(new AddGroupRequest(FleetGroup, SimulatorFixture.RootCaName));
        }
    }

    [Fact]
    public async Task Module_GroupEnrollment_ProvisionsThenDeliversToTheAssignedHub()
    {
        var device = hub.Pki.IssueDevice("dps-module-1");

        var (exitCode, module) = await ModuleEnvironment.RunAsync(ForDps(device, count: 3));

        Assert.True(exitCode == 0, module.Output);
        Assert.Equal([0L, 1, 2], hub.Telemetry.For("dps-module-1").Select(m => m.Reading!.MessageId).Order());
        Assert.All(hub.Telemetry.For("dps-module-1"), m => Assert.Equal("dps-module-1", m.Reading!.DeviceId));
        Assert.Contains(module.Lines, l => l.Contains("DPS assigned device 'dps-module-1' to hub localhost", StringComparison.Ordinal));
        await hub.Logs.WaitForAsync(Patience, "DPS assigned 'dps-module-1'", $"enrollment group '{FleetGroup}'");
    }

    [Fact]
    public async Task Module_DisabledEnrollmentGroup_IsRefusedWithOneLineAndNothingCreated()
    {
        var otherRoot = hub.Pki.Own(CertificateFactory.CreateRootCa("Revoked Fleet Root", new CertificateSpec(TimeSpan.FromDays(1), hub.Pki.KeyType)));
        ProofOfPossession.RegisterAndVerify(hub.Registry, "revoked-root", otherRoot, _ => { });
        hub.Enrollments.AddGroup(new AddGroupRequest("revoked-fleet", "revoked-root", Enabled: false));
        var device = hub.Pki.IssueDevice("dps-revoked", issuer: otherRoot);

        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, ForDps(device, count: 1));
        var line = await module.WaitForLineAsync(l => l.Contains("enrollment is disabled", StringComparison.Ordinal), Patience);

        Assert.Contains("DPS refused 'dps-revoked'", line, StringComparison.Ordinal);
        Assert.Contains("enable the enrollment (or its group) in DPS", line, StringComparison.Ordinal);
        Assert.Single(module.Lines, l => l.Contains("disabled", StringComparison.Ordinal));
        Assert.DoesNotContain(module.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.Null(hub.Registry.FindDevice("dps-revoked"));
    }

    [Fact]
    public async Task Module_Restart_UsesTheCachedAssignmentWithoutAskingDps()
    {
        var device = hub.Pki.IssueDevice("dps-cached");
        var environment = ForDps(device, count: 2);
        var (firstExit, first) = await ModuleEnvironment.RunAsync(environment);
        Assert.True(firstExit == 0, first.Output);
        Assert.True(File.Exists(Path.Combine(environment["Outbox__Path"]!, "dps-assignment.json")));

        var (secondExit, second) = await ModuleEnvironment.RunAsync(environment);

        Assert.True(secondExit == 0, second.Output);
        Assert.Contains(second.Lines, l => l.Contains("Using the DPS assignment from", StringComparison.Ordinal));
        Assert.DoesNotContain(second.Lines, l => l.Contains("Registering 'dps-cached' with DPS", StringComparison.Ordinal));
        Assert.Single(hub.Logs.Lines, l => l.Contains("DPS assigned 'dps-cached'", StringComparison.Ordinal));
        Assert.Equal(4, hub.Telemetry.For("dps-cached").Select(m => m.Reading!.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Module_DeviceRemovedFromItsHub_ReprovisionsAfterTheRefusalAndDelivers()
    {
        var device = hub.Pki.IssueDevice("dps-moved");
        var environment = ForDps(device, count: 1);
        var (firstExit, first) = await ModuleEnvironment.RunAsync(environment);
        Assert.True(firstExit == 0, first.Output);

        hub.Registry.RemoveDevice("dps-moved");
        var (secondExit, second) = await ModuleEnvironment.RunAsync(environment);

        Assert.True(secondExit == 0, second.Output);
        Assert.Contains(second.Lines, l => l.Contains("refused device 'dps-moved' as not authorized; asking DPS", StringComparison.Ordinal));
        Assert.Equal(2, hub.Logs.Lines.Count(l => l.Contains("DPS assigned 'dps-moved'", StringComparison.Ordinal)));
        Assert.Equal([0L, 1], hub.Telemetry.For("dps-moved").Select(m => m.Reading!.MessageId).Distinct().Order());
    }

    [Fact]
    public async Task Module_IndividualEnrollment_ProvisionedByThumbprintAndDelivers()
    {
        var certificate = hub.Pki.Own(CertificateFactory.CreateSelfSignedDevice("dps-single", new CertificateSpec(TimeSpan.FromDays(1), hub.Pki.KeyType)));
        var device = hub.Pki.WriteDevice("dps-single", certificate, []);
        hub.Enrollments.AddIndividual(new AddIndividualRequest("dps-single", certificate.GetCertHashString(HashAlgorithmName.SHA256)));

        var (exitCode, module) = await ModuleEnvironment.RunAsync(ForDps(device, count: 2));

        Assert.True(exitCode == 0, module.Output);
        Assert.Equal(DeviceAuthentication.SelfSigned, hub.Registry.FindDevice("dps-single")?.Authentication);
        Assert.Equal(2, hub.Telemetry.For("dps-single").Count);
    }

    /// <summary>A module with no Device__Id and no Device__HostName: DPS tells it both.</summary>
    Dictionary<string, string?> ForDps(DeviceFiles device, int count)
    {
        var environment = ModuleEnvironment.ForPem(hub.Pki, device, "unused", hub.MqttPort, count);
        environment["Device__Id"] = null;
        environment["Device__HostName"] = null;
        environment["Provisioning__IdScope"] = SimulatorFixture.IdScope;
        environment["Provisioning__GlobalEndpoint"] = "localhost";
        environment["Provisioning__Port"] = hub.ProvisioningPort.ToString(CultureInfo.InvariantCulture);
        environment["Provisioning__TrustBundlePath"] = hub.Pki.ServerCaPem;
        return environment;
    }
}
