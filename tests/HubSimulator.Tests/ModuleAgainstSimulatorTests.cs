using System.Security.Cryptography;
using HubSimulator.Registry;
using IotHub.Certificates;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>The real module process against the simulator: delivered when IoT Hub would accept it, refused and reported clearly when not.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class ModuleAgainstSimulatorTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    TestPki Pki => hub.Pki;

    [Fact]
    public async Task Module_CaSignedDeviceWithIntermediate_DeliversReadingsTheHubDecodes()
    {
        var device = hub.CaSignedDevice("e2e-device");

        var (exitCode, module) = await ModuleEnvironment.RunAsync(ModuleEnvironment.ForPfx(Pki, device, "e2e-device", hub.MqttPort, count: 5));

        Assert.True(exitCode == 0, module.Output);
        var messages = hub.Telemetry.For("e2e-device");
        Assert.Equal([0L, 1, 2, 3, 4], messages.Select(m => m.Reading!.MessageId).Order());
        Assert.All(messages, m =>
        {
            Assert.Equal(m.Reading!.Temperature > 30, m.TemperatureAlert);
            Assert.Equal(TelemetryContract.ContentType, m.SystemProperties[SystemProperties.ContentType]);
            Assert.Equal(TelemetryContract.ContentEncoding, m.SystemProperties[SystemProperties.ContentEncoding]);
            Assert.Equal("e2e-device", m.Reading.DeviceId);
        });
        Assert.Equal(5, messages.Select(m => m.MessageId).Distinct().Count());
        await hub.Logs.WaitForAsync(Patience, "Device 'e2e-device' authenticated: CA signed");
    }

    [Fact]
    public async Task Module_SelfSignedDeviceRegisteredByThumbprint_DeliversReadings()
    {
        var certificate = Pki.Own(CertificateFactory.CreateSelfSignedDevice("thumb-device", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType)));
        hub.Registry.AddDevice("thumb-device", DeviceAuthentication.SelfSigned, certificate.GetCertHashString(HashAlgorithmName.SHA256));
        var device = Pki.WriteDevice("thumb-device", certificate, []);

        var (exitCode, module) = await ModuleEnvironment.RunAsync(ModuleEnvironment.ForPem(Pki, device, "thumb-device", hub.MqttPort, count: 2));

        Assert.True(exitCode == 0, module.Output);
        Assert.Equal(2, hub.Telemetry.For("thumb-device").Count);
    }

    [Fact]
    public async Task Module_UnregisteredDevice_IsRefusedAsNotAuthorized()
    {
        var device = Pki.IssueDevice("ghost-device");

        await AssertRefusedAsync(ModuleEnvironment.ForPfx(Pki, device, "ghost-device", hub.MqttPort), "ghost-device", "device 'ghost-device' is not registered");
    }

    [Fact]
    public async Task Module_DeviceOfARegisteredButUnverifiedCa_IsRefusedAsNotAuthorized()
    {
        var otherRoot = Pki.Own(CertificateFactory.CreateRootCa("Unverified Root", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType)));
        hub.Registry.AddCa("unverified-root", CertificateExport.ToPem(otherRoot));
        hub.Registry.AddDevice("unverified-device", DeviceAuthentication.CaSigned);
        var device = Pki.WriteDevice("unverified-device", Pki.Own(CertificateFactory.CreateDevice(otherRoot, "unverified-device", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType))), []);

        await AssertRefusedAsync(ModuleEnvironment.ForPfx(Pki, device, "unverified-device", hub.MqttPort), "unverified-device",
            "CA 'unverified-root' that signed the certificate is registered but not verified");
    }

    [Fact]
    public async Task Module_LeafWithoutItsIntermediate_IsRefusedAsNotAuthorizedLikeIotHub()
    {
        var device = hub.CaSignedDevice("leaf-only-device");
        var environment = ModuleEnvironment.ForPem(Pki, device, "leaf-only-device", hub.MqttPort);
        environment["Device__CertificatePath"] = device.CertificatePem;

        await AssertRefusedAsync(environment, "leaf-only-device", "does not chain to a registered, verified CA");
    }

    [Fact]
    public async Task Module_SelfSignedDeviceWithAnotherThumbprint_IsRefusedAsNotAuthorized()
    {
        hub.Registry.AddDevice("rolled-device", DeviceAuthentication.SelfSigned, new string('A', 64));
        var device = Pki.WriteDevice("rolled-device", Pki.Own(CertificateFactory.CreateSelfSignedDevice("rolled-device", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType))), []);

        await AssertRefusedAsync(ModuleEnvironment.ForPfx(Pki, device, "rolled-device", hub.MqttPort), "rolled-device", "is not registered for device 'rolled-device'");
    }

    [Fact]
    public async Task Module_SecondConnectionForTheSameDevice_DropsTheFirst()
    {
        var device = hub.CaSignedDevice("twin-connection-device");
        var environment = ModuleEnvironment.ForPfx(Pki, device, "twin-connection-device", hub.MqttPort, count: 0);
        environment["Telemetry__Interval"] = "00:00:01";
        await using var first = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await first.WaitForLineAsync(l => l.Contains("Connected to", StringComparison.Ordinal), Patience);

        var secondEnvironment = new Dictionary<string, string?>(environment) { ["Outbox__Path"] = ModuleEnvironment.NewOutboxFolder(Pki) };
        await using var second = ModuleProcess.Start(ModuleEnvironment.Assembly, secondEnvironment);
        await second.WaitForLineAsync(l => l.Contains("Connected to", StringComparison.Ordinal), Patience);

        await hub.Logs.WaitForAsync(Patience, "Dropped the older connection of device 'twin-connection-device'", "one connection per device");
        await first.WaitForLineAsync(l => l.Contains("Connection to", StringComparison.Ordinal) && l.Contains("lost", StringComparison.Ordinal), Patience);
    }

    async Task AssertRefusedAsync(Dictionary<string, string?> environment, string deviceId, string simulatorReason)
    {
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("NotAuthorized", StringComparison.Ordinal), Patience);

        Assert.Contains($"refused device '{deviceId}' (CONNACK NotAuthorized)", line, StringComparison.Ordinal);
        Assert.Contains("register the device in IoT Hub", line, StringComparison.Ordinal);
        await hub.Logs.WaitForAsync(Patience, $"Refused device '{deviceId}'", "CONNACK 5", simulatorReason);
        Assert.Empty(hub.Telemetry.For(deviceId));
    }
}
