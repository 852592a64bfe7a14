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

    /// <summary>The module's transports the simulator serves (<c>Device__Transport</c>).</summary>
    public static TheoryData<string> Transports => new() { "Mqtt", "Amqp" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_CaSignedDeviceWithIntermediate_DeliversReadingsTheHubDecodes(string transport)
    {
        var device = hub.CaSignedDevice($"e2e-device-{transport}");

        var (exitCode, module) = await ModuleEnvironment.RunAsync(Over(transport, ModuleEnvironment.ForPfx(Pki, device, $"e2e-device-{transport}", hub.MqttPort, count: 5)));

        Assert.True(exitCode == 0, module.Output);
        var messages = hub.Telemetry.For($"e2e-device-{transport}");
        Assert.Equal([0L, 1, 2, 3, 4], messages.Select(m => m.Reading!.MessageId).Order());
        Assert.All(messages, m =>
        {
            Assert.Equal(m.Reading!.Temperature > 30, m.TemperatureAlert);
            Assert.Equal(TelemetryContract.ContentType, m.SystemProperties[SystemProperties.ContentType]);
            Assert.Equal(TelemetryContract.ContentEncoding, m.SystemProperties[SystemProperties.ContentEncoding]);
            Assert.Equal($"e2e-device-{transport}", m.Reading.DeviceId);
        });
        Assert.Equal(5, messages.Select(m => m.MessageId).Distinct().Count());
        await hub.Logs.WaitForAsync(Patience, $"Device 'e2e-device-{transport}' authenticated: CA signed");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_SelfSignedDeviceRegisteredByThumbprint_DeliversReadings(string transport)
    {
        var certificate = Pki.Own(CertificateFactory.CreateSelfSignedDevice($"thumb-device-{transport}", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType)));
        hub.Registry.AddDevice($"thumb-device-{transport}", DeviceAuthentication.SelfSigned, certificate.GetCertHashString(HashAlgorithmName.SHA256));
        var device = Pki.WriteDevice($"thumb-device-{transport}", certificate, []);

        var (exitCode, module) = await ModuleEnvironment.RunAsync(Over(transport, ModuleEnvironment.ForPem(Pki, device, $"thumb-device-{transport}", hub.MqttPort, count: 2)));

        Assert.True(exitCode == 0, module.Output);
        Assert.Equal(2, hub.Telemetry.For($"thumb-device-{transport}").Count);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_UnregisteredDevice_IsRefusedAsNotAuthorized(string transport)
    {
        var device = Pki.IssueDevice($"ghost-device-{transport}");

        await AssertRefusedAsync(transport, Over(transport, ModuleEnvironment.ForPfx(Pki, device, $"ghost-device-{transport}", hub.MqttPort)), $"ghost-device-{transport}", $"device 'ghost-device-{transport}' is not registered");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_DeviceOfARegisteredButUnverifiedCa_IsRefusedAsNotAuthorized(string transport)
    {
        var otherRoot = Pki.Own(CertificateFactory.CreateRootCa("Unverified Root", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType)));
        hub.Registry.AddCa($"unverified-root-{transport}", CertificateExport.ToPem(otherRoot));
        hub.Registry.AddDevice($"unverified-device-{transport}", DeviceAuthentication.CaSigned);
        var device = Pki.WriteDevice($"unverified-device-{transport}", Pki.Own(CertificateFactory.CreateDevice(otherRoot, $"unverified-device-{transport}", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType))), []);

        await AssertRefusedAsync(transport, Over(transport, ModuleEnvironment.ForPfx(Pki, device, $"unverified-device-{transport}", hub.MqttPort)), $"unverified-device-{transport}",
            $"CA 'unverified-root-{transport}' that signed the certificate is registered but not verified");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_LeafWithoutItsIntermediate_IsRefusedAsNotAuthorizedLikeIotHub(string transport)
    {
        var device = hub.CaSignedDevice($"leaf-only-device-{transport}");
        var environment = Over(transport, ModuleEnvironment.ForPem(Pki, device, $"leaf-only-device-{transport}", hub.MqttPort));
        environment["Device__CertificatePath"] = device.CertificatePem;

        await AssertRefusedAsync(transport, environment, $"leaf-only-device-{transport}", "does not chain to a registered, verified CA");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_SelfSignedDeviceWithAnotherThumbprint_IsRefusedAsNotAuthorized(string transport)
    {
        hub.Registry.AddDevice($"rolled-device-{transport}", DeviceAuthentication.SelfSigned, new string('A', 64));
        var device = Pki.WriteDevice($"rolled-device-{transport}", Pki.Own(CertificateFactory.CreateSelfSignedDevice($"rolled-device-{transport}", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType))), []);

        await AssertRefusedAsync(transport, Over(transport, ModuleEnvironment.ForPfx(Pki, device, $"rolled-device-{transport}", hub.MqttPort)), $"rolled-device-{transport}", $"is not registered for device 'rolled-device-{transport}'");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_SecondConnectionForTheSameDevice_DropsTheFirst(string transport)
    {
        var device = hub.CaSignedDevice($"twin-connection-device-{transport}");
        var environment = Over(transport, ModuleEnvironment.ForPfx(Pki, device, $"twin-connection-device-{transport}", hub.MqttPort, count: 0));
        environment["Telemetry__Interval"] = "00:00:01";
        await using var first = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await first.WaitForLineAsync(l => l.Contains("Connected to", StringComparison.Ordinal), Patience);

        var secondEnvironment = new Dictionary<string, string?>(environment) { ["Outbox__Path"] = ModuleEnvironment.NewOutboxFolder(Pki) };
        await using var second = ModuleProcess.Start(ModuleEnvironment.Assembly, secondEnvironment);
        await second.WaitForLineAsync(l => l.Contains("Connected to", StringComparison.Ordinal), Patience);

        await hub.Logs.WaitForAsync(Patience, $"Dropped the older connection of device 'twin-connection-device-{transport}'", "one connection per device");
        await first.WaitForLineAsync(l => l.Contains("Connection to", StringComparison.Ordinal) && l.Contains("lost", StringComparison.Ordinal), Patience);
    }

    Dictionary<string, string?> Over(string transport, Dictionary<string, string?> environment)
    {
        environment["Device__Transport"] = transport;
        environment["Device__Port"] = hub.PortFor(transport).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return environment;
    }

    async Task AssertRefusedAsync(string transport, Dictionary<string, string?> environment, string deviceId, string simulatorReason)
    {
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("NotAuthorized", StringComparison.Ordinal), Patience);

        var refusal = transport == "Amqp" ? "(amqp:unauthorized-access)" : "(CONNACK NotAuthorized)";
        Assert.Contains($"refused device '{deviceId}' {refusal}", line, StringComparison.Ordinal);
        Assert.Contains("register the device in IoT Hub", line, StringComparison.Ordinal);
        await hub.Logs.WaitForAsync(Patience, $"Refused device '{deviceId}'", transport == "Amqp" ? "amqp:unauthorized-access" : "CONNACK 5", simulatorReason);
        Assert.Empty(hub.Telemetry.For(deviceId));
    }
}
