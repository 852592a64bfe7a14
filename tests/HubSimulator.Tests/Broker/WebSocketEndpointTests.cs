using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using HubSimulator.Hosting;
using IotHub.Certificates;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using Microsoft.Extensions.Logging;
using TestInfrastructure;

namespace HubSimulator.Tests.Broker;

/// <summary>
/// The simulator's WebSocket endpoint (<c>Simulator__WebSocketPort</c>): the module's MqttWebSocket and AmqpWebSocket
/// transports and the official Node SDK's MqttWs and AmqpWs deliver through it, under the same hub rules as the MQTT
/// and AMQP ports (CA proof of possession, the chain sent in TLS, one connection per device), also through a real HTTP
/// proxy; sub-protocols it does not serve are refused.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class WebSocketEndpointTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    TestPki Pki => hub.Pki;

    /// <summary>The module's transports over this endpoint (<c>Device__Transport</c>).</summary>
    public static TheoryData<string> Transports => new() { "MqttWebSocket", "AmqpWebSocket" };

    Dictionary<string, string?> WebSocketModule(DeviceFiles device, string deviceId, int count = 5, string transport = "MqttWebSocket")
    {
        var environment = ModuleEnvironment.ForPfx(Pki, device, deviceId, hub.WebSocketPort, count);
        environment["Device__Transport"] = transport;
        return environment;
    }

    static string SubProtocol(string transport) => transport == "AmqpWebSocket" ? WebSocketEndpoint.AmqpSubProtocol : WebSocketEndpoint.MqttSubProtocol;

    static string Refusal(string transport) => transport == "AmqpWebSocket" ? "(amqp:unauthorized-access)" : "(CONNACK NotAuthorized)";

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_OverWebSocket_DeliversReadingsTheHubDecodes(string transport)
    {
        var deviceId = $"ws-e2e-device-{transport}";
        var device = hub.CaSignedDevice(deviceId);

        var (exitCode, module) = await ModuleEnvironment.RunAsync(WebSocketModule(device, deviceId, count: 20, transport));

        Assert.True(exitCode == 0, module.Output);
        AssertContract(deviceId, 20);
        Assert.Contains(module.Lines, l => l.Contains($"Connected to wss://localhost:{hub.WebSocketPort}/$iothub/websocket as device {deviceId}", StringComparison.Ordinal));
        await hub.Logs.WaitForAsync(Patience, $"accepted with sub-protocol {SubProtocol(transport)}");
        await hub.Logs.WaitForAsync(Patience, $"Device '{deviceId}' authenticated: CA signed");
    }

    [Fact]
    public async Task Module_AmqpWebSocketThroughProxyWithCredentials_DeliversEveryReading()
    {
        var device = hub.CaSignedDevice("ws-proxied-amqp-device");
        await using var proxy = await TinyProxy.StartAsync(Pki.Folder, [hub.WebSocketPort], "edge", "pr0xy-secret");
        var environment = WebSocketModule(device, "ws-proxied-amqp-device", count: 20, "AmqpWebSocket");
        environment["Device__ProxyUri"] = proxy.Uri;
        environment["Device__ProxyCredentialsPath"] = Pki.Write("amqp-proxy-credentials.txt", "edge:pr0xy-secret\n");

        var (exitCode, module) = await ModuleEnvironment.RunAsync(environment);

        Assert.True(exitCode == 0, module.Output);
        AssertContract("ws-proxied-amqp-device", 20);
        Assert.Contains($"CONNECT localhost:{hub.WebSocketPort.ToString(CultureInfo.InvariantCulture)}", proxy.Log, StringComparison.Ordinal);
        Assert.Contains(module.Lines, l => l.Contains($"via proxy 127.0.0.1:{proxy.Port} as device ws-proxied-amqp-device (AMQP)", StringComparison.Ordinal));
        Assert.DoesNotContain(module.Lines, l => l.Contains("pr0xy-secret", StringComparison.Ordinal) || l.Contains("ZWRnZTpwcjB4eS1zZWNyZXQ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_LeafWithoutItsIntermediate_IsRefusedAsOnTheTlsPorts(string transport)
    {
        var deviceId = $"ws-leaf-device-{transport}";
        var device = hub.CaSignedDevice(deviceId);
        var environment = WebSocketModule(device, deviceId, transport: transport);
        environment["Device__CertificatePath"] = device.CertificatePem;
        environment["Device__PrivateKeyPath"] = device.KeyPem;
        environment["Device__CertificatePassword"] = null;
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("NotAuthorized", StringComparison.Ordinal), Patience);

        Assert.Contains($"refused device '{deviceId}' {Refusal(transport)}", line, StringComparison.Ordinal);
        await hub.Logs.WaitForAsync(Patience, $"Refused device '{deviceId}'", "does not chain to a registered, verified CA");
        Assert.Empty(hub.Telemetry.For(deviceId));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_DeviceOfAnUnverifiedCa_IsRefusedForMissingProofOfPossession(string transport)
    {
        var (deviceId, rootName) = ($"ws-unverified-device-{transport}", $"ws-unverified-root-{transport}");
        var otherRoot = Pki.Own(CertificateFactory.CreateRootCa($"WS Unverified Root {transport}", new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType)));
        hub.Registry.AddCa(rootName, CertificateExport.ToPem(otherRoot));
        hub.Registry.AddDevice(deviceId, Registry.DeviceAuthentication.CaSigned);
        var device = Pki.WriteDevice(deviceId, Pki.Own(CertificateFactory.CreateDevice(otherRoot, deviceId, new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType))), []);
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, WebSocketModule(device, deviceId, transport: transport));

        var line = await module.WaitForLineAsync(l => l.Contains("NotAuthorized", StringComparison.Ordinal), Patience);

        Assert.Contains($"refused device '{deviceId}' {Refusal(transport)}", line, StringComparison.Ordinal);
        await hub.Logs.WaitForAsync(Patience, $"Refused device '{deviceId}'", "registered but not verified");
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

    void AssertContract(string deviceId, int count)
    {
        var messages = hub.Telemetry.For(deviceId);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), messages.Select(m => m.Reading!.MessageId).Order());
        Assert.Equal(count, messages.Select(m => m.MessageId).Distinct().Count());
        Assert.All(messages, m =>
        {
            Assert.Equal(m.Reading!.Temperature > 30, m.TemperatureAlert);
            Assert.Equal(TelemetryContract.ContentType, m.SystemProperties[SystemProperties.ContentType]);
            Assert.Equal(TelemetryContract.ContentEncoding, m.SystemProperties[SystemProperties.ContentEncoding]);
            Assert.Equal(deviceId, m.Reading.DeviceId);
        });
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

    [Fact]
    public async Task NodeSdk_AmqpWs_X509DeviceTelemetryAccepted()
    {
        var device = hub.CaSignedDevice("node-amqpws-device");

        var result = await Peers.NodeSendAsync($"localhost:{hub.WebSocketPort}", "node-amqpws-device", device.FullChainPem, device.KeyPem, hub.Pki.ServerCaPem, "AmqpWebSocket");

        Assert.True(result.ExitCode == 0, result.Output);
        var received = Assert.Single(hub.Telemetry.For("node-amqpws-device"));
        Assert.Equal("/devices/node-amqpws-device/messages/events", received.Topic);
        Assert.Equal("abc", received.MessageId);
        Assert.Equal(TelemetryContract.ContentType, received.SystemProperties[SystemProperties.ContentType]);
        Assert.Equal([new("temperatureAlert", "true")], received.ApplicationProperties);
        Assert.Equal(("node-amqpws-device", 7L), (received.Reading!.DeviceId, received.Reading.MessageId));
        await hub.Logs.WaitForAsync(Patience, $"accepted with sub-protocol {WebSocketEndpoint.AmqpSubProtocol}");
        await hub.Logs.WaitForAsync(Patience, "Device 'node-amqpws-device' authenticated: CA signed");
    }

    [Theory]
    [InlineData("graphql-ws", WebSocketEndpoint.Path, HttpStatusCode.BadRequest)]
    [InlineData(WebSocketEndpoint.MqttSubProtocol, "/mqtt", HttpStatusCode.NotFound)]
    public async Task Upgrade_NotServed_IsRefusedWithAStatus(string subProtocol, string path, HttpStatusCode expected)
    {
        var device = hub.CaSignedDevice($"ws-probe-{(int)expected}");

        var status = await UpgradeStatusAsync(hub.WebSocketPort, device, subProtocol, path);

        Assert.Equal(expected, status);
        await hub.Logs.WaitForAsync(Patience, "Refused a WebSocket upgrade", $"with {(int)expected}");
    }

    [Fact]
    public async Task Upgrade_AmqpWithTheAmqpEndpointOff_IsRefusedWith501()
    {
        var webSocketPort = FreePort.Next();
        using var logs = new LogCollector();
        await using var offHub = SimulatorApp.Build([], new Dictionary<string, string?>
        {
            ["Simulator:MqttPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Simulator:AmqpPort"] = "0",
            ["Simulator:AdminPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Simulator:WebSocketPort"] = webSocketPort.ToString(CultureInfo.InvariantCulture),
            ["Simulator:DataFolder"] = Path.Combine(Pki.Folder, "hub-without-amqp"),
            ["Simulator:ServerCertificatePath"] = Pki.ServerCertificatePem,
            ["Simulator:ServerKeyPath"] = Pki.ServerKeyPem,
        }, logging => logging.AddProvider(logs));
        await offHub.StartAsync();

        var status = await UpgradeStatusAsync(webSocketPort, Pki.IssueDevice("ws-amqp-off-device"), WebSocketEndpoint.AmqpSubProtocol, WebSocketEndpoint.Path);

        Assert.Equal(HttpStatusCode.NotImplemented, status);
        await logs.WaitForAsync(Patience, "Refused a WebSocket upgrade", "with 501", "the AMQP endpoint is off (Simulator__AmqpPort=0)");
        await offHub.StopAsync();
    }

    /// <summary>The HTTP status of a refused upgrade to <paramref name="port"/> (.NET's ClientWebSocket, the device's certificate).</summary>
    async Task<HttpStatusCode> UpgradeStatusAsync(int port, DeviceFiles device, string subProtocol, string path)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(device.Pfx, TestPki.PfxPassword);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(subProtocol);
        socket.Options.ClientCertificates.Add(certificate);
        socket.Options.RemoteCertificateValidationCallback = (_, server, chain, _) => server is not null
            && ChainVerifier.Verify(X509CertificateLoader.LoadCertificate(server.GetRawCertData()), chain?.ChainPolicy.ExtraStore ?? [], [Pki.ServerCa]).IsTrusted;
        socket.Options.CollectHttpResponseDetails = true;

        var uri = new Uri($"wss://localhost:{port.ToString(CultureInfo.InvariantCulture)}{path}");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        return socket.HttpStatusCode;
    }
}
