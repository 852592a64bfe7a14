using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;

namespace HubSimulator.Tests.Broker;

/// <summary>
/// The simulator's WebSocket endpoint (<c>Simulator__WebSocketPort</c>): the module's MqttWebSocket transport and the
/// official Node SDK's MqttWs deliver through it, under the same hub rules as the MQTT port (CA proof of possession,
/// the chain sent in TLS, one connection per device), and sub-protocols it does not serve are refused.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class WebSocketEndpointTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    TestPki Pki => hub.Pki;

    Dictionary<string, string?> WebSocketModule(DeviceFiles device, string deviceId, int count = 5)
    {
        var environment = ModuleEnvironment.ForPfx(Pki, device, deviceId, hub.WebSocketPort, count);
        environment["Device__Transport"] = "MqttWebSocket";
        return environment;
    }

    [Fact]
    public async Task Module_MqttWebSocket_DeliversReadingsTheHubDecodes()
    {
        var device = hub.CaSignedDevice("ws-e2e-device");

        var (exitCode, module) = await ModuleEnvironment.RunAsync(WebSocketModule(device, "ws-e2e-device", count: 20));

        Assert.True(exitCode == 0, module.Output);
        var messages = hub.Telemetry.For("ws-e2e-device");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), messages.Select(m => m.Reading!.MessageId).Order());
        Assert.All(messages, m =>
        {
            Assert.Equal(m.Reading!.Temperature > 30, m.TemperatureAlert);
            Assert.Equal(TelemetryContract.ContentType, m.SystemProperties[SystemProperties.ContentType]);
            Assert.Equal(TelemetryContract.ContentEncoding, m.SystemProperties[SystemProperties.ContentEncoding]);
            Assert.Equal("ws-e2e-device", m.Reading.DeviceId);
        });
        await hub.Logs.WaitForAsync(Patience, "accepted with sub-protocol mqtt");
        await hub.Logs.WaitForAsync(Patience, "Device 'ws-e2e-device' authenticated: CA signed");
    }

    [Fact]
    public async Task Module_LeafWithoutItsIntermediate_IsRefusedAsOnTheMqttPort()
    {
        var device = hub.CaSignedDevice("ws-leaf-device");
        var environment = WebSocketModule(device, "ws-leaf-device");
        environment["Device__CertificatePath"] = device.CertificatePem;
        environment["Device__PrivateKeyPath"] = device.KeyPem;
        environment["Device__CertificatePassword"] = null;
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("NotAuthorized", StringComparison.Ordinal), Patience);

        Assert.Contains("refused device 'ws-leaf-device' (CONNACK NotAuthorized)", line, StringComparison.Ordinal);
        await hub.Logs.WaitForAsync(Patience, "Refused device 'ws-leaf-device'", "does not chain to a registered, verified CA");
        Assert.Empty(hub.Telemetry.For("ws-leaf-device"));
    }

    [Fact]
    public async Task Module_DeviceOfAnUnverifiedCa_IsRefusedForMissingProofOfPossession()
    {
        var otherRoot = Pki.Own(CertificateFactory.CreateRootCa("WS Unverified Root", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType)));
        hub.Registry.AddCa("ws-unverified-root", CertificateExport.ToPem(otherRoot));
        hub.Registry.AddDevice("ws-unverified-device", Registry.DeviceAuthentication.CaSigned);
        var device = Pki.WriteDevice("ws-unverified-device", Pki.Own(CertificateFactory.CreateDevice(otherRoot, "ws-unverified-device", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType))), []);
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, WebSocketModule(device, "ws-unverified-device"));

        await module.WaitForLineAsync(l => l.Contains("NotAuthorized", StringComparison.Ordinal), Patience);

        await hub.Logs.WaitForAsync(Patience, "Refused device 'ws-unverified-device'", "registered but not verified");
    }

    [Fact]
    public async Task Module_SecondConnectionOverTheOtherTransport_DropsTheFirst()
    {
        var device = hub.CaSignedDevice("ws-twice-device");
        var overWebSocket = WebSocketModule(device, "ws-twice-device", count: 0);
        overWebSocket["Telemetry__Interval"] = "00:00:01";
        await using var first = ModuleProcess.Start(ModuleEnvironment.Assembly, overWebSocket);
        await first.WaitForLineAsync(l => l.Contains("Connected to wss://", StringComparison.Ordinal), Patience);

        var overTls = ModuleEnvironment.ForPfx(Pki, device, "ws-twice-device", hub.MqttPort, count: 0);
        overTls["Telemetry__Interval"] = "00:00:01";
        await using var second = ModuleProcess.Start(ModuleEnvironment.Assembly, overTls);
        await second.WaitForLineAsync(l => l.Contains("Connected to", StringComparison.Ordinal), Patience);

        await hub.Logs.WaitForAsync(Patience, "Dropped the older connection of device 'ws-twice-device'", "one connection per device");
        await first.WaitForLineAsync(l => l.Contains("Connection to wss://", StringComparison.Ordinal) && l.Contains("lost", StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task NodeSdk_MqttWs_X509DeviceTelemetryAccepted()
    {
        var device = hub.CaSignedDevice("node-ws-device");

        var result = await Peers.NodeSendAsync($"localhost:{hub.WebSocketPort}", "node-ws-device", device.FullChainPem, device.KeyPem, hub.Pki.ServerCaPem, "MqttWebSocket");

        Assert.True(result.ExitCode == 0, result.Output);
        var received = Assert.Single(hub.Telemetry.For("node-ws-device"));
        Assert.Equal("devices/node-ws-device/messages/events/%24.mid=abc&%24.ct=application%2Fjson&%24.ce=utf-8&temperatureAlert=true", received.Topic);
        Assert.Equal(("node-ws-device", 7L), (received.Reading!.DeviceId, received.Reading.MessageId));
        await hub.Logs.WaitForAsync(Patience, "accepted with sub-protocol mqtt");
    }

    [Theory]
    [InlineData(WebSocketEndpoint.AmqpSubProtocol, WebSocketEndpoint.Path, HttpStatusCode.NotImplemented)]
    [InlineData("graphql-ws", WebSocketEndpoint.Path, HttpStatusCode.BadRequest)]
    [InlineData(WebSocketEndpoint.MqttSubProtocol, "/mqtt", HttpStatusCode.NotFound)]
    public async Task Upgrade_NotServed_IsRefusedWithAStatus(string subProtocol, string path, HttpStatusCode expected)
    {
        var device = hub.CaSignedDevice($"ws-probe-{(int)expected}");
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(device.Pfx, TestPki.PfxPassword);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(subProtocol);
        socket.Options.ClientCertificates.Add(certificate);
        socket.Options.RemoteCertificateValidationCallback = (_, server, chain, _) => server is not null
            && ChainVerifier.Verify(X509CertificateLoader.LoadCertificate(server.GetRawCertData()), chain?.ChainPolicy.ExtraStore ?? [], [Pki.ServerCa]).IsTrusted;
        socket.Options.CollectHttpResponseDetails = true;

        var uri = new Uri($"wss://localhost:{hub.WebSocketPort.ToString(CultureInfo.InvariantCulture)}{path}");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));

        Assert.Equal(expected, socket.HttpStatusCode);
        await hub.Logs.WaitForAsync(Patience, "Refused a WebSocket upgrade", $"with {(int)expected}");
    }
}
