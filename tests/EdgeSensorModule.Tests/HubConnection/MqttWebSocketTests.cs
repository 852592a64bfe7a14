using System.Globalization;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>One test PKI and one mosquitto with a TLS WebSocket listener beside its TLS one, taking IoT Hub's topics (<see cref="BrokerFixture"/>).</summary>
public sealed class WebSocketBrokerFixture : IAsyncLifetime
{
    public TestPki Pki { get; } = new();

    public MosquittoBroker Broker { get; private set; } = null!;

    public int WebSocketPort => Broker.WebSocketPort!.Value;

    public async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync(Pki, webSockets: true, openIotHubTopics: true);

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        Pki.Dispose();
    }
}

/// <summary>
/// <c>Device__Transport=MqttWebSocket</c>, the module as a process, against mosquitto's WebSocket listener (TLS,
/// client certificate required, checked against the root CA only) and through a real HTTP proxy (Debian's tinyproxy).
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class MqttWebSocketTests(WebSocketBrokerFixture fixture) : IClassFixture<WebSocketBrokerFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    TestPki Pki => fixture.Pki;

    Dictionary<string, string?> Environment(string deviceId, int count = 5, int? port = null)
    {
        var environment = ModuleEnvironment.ForPem(Pki, Pki.IssueDevice(deviceId), deviceId, port ?? fixture.WebSocketPort, count);
        environment["Device__Transport"] = "MqttWebSocket";
        return environment;
    }

    [Fact]
    public async Task Module_MqttWebSocket_DeliversFiftyReadingsWithTheContractAndExits0()
    {
        await using var monitor = await TelemetryMonitor.StartAsync(Pki, fixture.Broker.Port);

        var (exitCode, module) = await ModuleEnvironment.RunAsync(Environment("ws-device", count: 50));

        Assert.True(exitCode == 0, module.Output);
        MqttDeliveryTests.AssertContract("ws-device", 50, await monitor.WaitForAsync(50, Patience));
        Assert.Empty(monitor.Drain());
        Assert.Contains(module.Lines, l => l.Contains($"Connected to wss://localhost:{fixture.WebSocketPort}/$iothub/websocket as device ws-device", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Module_LeafWithoutItsIntermediate_IsRefusedInTheTlsHandshakeOfTheUpgrade()
    {
        var environment = Environment("ws-leaf-only");
        environment["Device__CertificatePath"] = Pki.IssueDevice("ws-leaf-only").CertificatePem;
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("ClientCertificateRejected", StringComparison.Ordinal), Patience);

        Assert.Contains("keep the intermediates in the certificate file", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_ThroughProxyWithCredentials_DeliversEveryReading()
    {
        await using var monitor = await TelemetryMonitor.StartAsync(Pki, fixture.Broker.Port);
        await using var proxy = await TinyProxy.StartAsync(Pki.Folder, [fixture.WebSocketPort], "edge", "pr0xy-secret");
        var environment = Environment("proxied-device", count: 20);
        environment["Device__ProxyUri"] = proxy.Uri;
        environment["Device__ProxyCredentialsPath"] = Pki.Write("proxy-credentials.txt", "edge:pr0xy-secret\n");

        var (exitCode, module) = await ModuleEnvironment.RunAsync(environment);

        Assert.True(exitCode == 0, module.Output);
        MqttDeliveryTests.AssertContract("proxied-device", 20, await monitor.WaitForAsync(20, Patience));
        Assert.Contains($"CONNECT localhost:{fixture.WebSocketPort.ToString(CultureInfo.InvariantCulture)}", proxy.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(module.Lines, l => l.Contains("pr0xy-secret", StringComparison.Ordinal) || l.Contains("ZWRnZTpwcjB4eS1zZWNyZXQ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Module_ProxyAskingForCredentials_SaysWhichSettingAndKeepsRetrying()
    {
        await using var proxy = await TinyProxy.StartAsync(Pki.Folder, [fixture.WebSocketPort], "edge", "pr0xy-secret");
        var environment = Environment("no-credentials-device");
        environment["Device__ProxyUri"] = proxy.Uri;
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        static bool Refused(string line) => line.Contains("ProxyRefused", StringComparison.Ordinal);

        var first = await module.WaitForLineAsync(Refused, Patience);
        await module.WaitForLineAsync(Refused, Patience);

        Assert.Contains($"The proxy 127.0.0.1:{proxy.Port} (Device__ProxyUri) requires authentication (407 Proxy Authentication Required): "
            + "set Device__ProxyCredentialsPath to a file holding 'user:password'.", first, StringComparison.Ordinal);
        Assert.Contains("5 readings kept", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_ProxyRefusingWrongCredentials_NamesTheCredentialsFileNotItsContent()
    {
        await using var proxy = await TinyProxy.StartAsync(Pki.Folder, [fixture.WebSocketPort], "edge", "pr0xy-secret");
        var environment = Environment("wrong-credentials-device");
        environment["Device__ProxyUri"] = proxy.Uri;
        environment["Device__ProxyCredentialsPath"] = Pki.Write("wrong-proxy-credentials.txt", "edge:guessed\n");
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("ProxyRefused", StringComparison.Ordinal), Patience);

        Assert.True(line.Contains("refused the credentials in Device__ProxyCredentialsPath (401 Unauthorized)", StringComparison.Ordinal), line);
        Assert.DoesNotContain(module.Lines, l => l.Contains("guessed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Module_ProxyForbiddingThePort_SaysTheProxyRefusedTheTunnel()
    {
        await using var proxy = await TinyProxy.StartAsync(Pki.Folder, [443]);
        var environment = Environment("forbidden-port-device");
        environment["Device__ProxyUri"] = proxy.Uri;
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("ProxyRefused", StringComparison.Ordinal), Patience);

        Assert.Contains($"The proxy 127.0.0.1:{proxy.Port} (Device__ProxyUri) refused to open a tunnel to localhost:{fixture.WebSocketPort} (403", line, StringComparison.Ordinal);
        Assert.Contains($"allow CONNECT to port {fixture.WebSocketPort} of that host in the proxy's rules", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_ProxyDown_SaysItCannotReachTheProxyAndKeepsRetrying()
    {
        var closedPort = FreePort.Next();
        var environment = Environment("proxy-down-device");
        environment["Device__ProxyUri"] = $"http://127.0.0.1:{closedPort}";
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        static bool Unreachable(string line) => line.Contains("Unreachable", StringComparison.Ordinal);

        var first = await module.WaitForLineAsync(Unreachable, Patience);
        await module.WaitForLineAsync(Unreachable, Patience);

        Assert.Contains($"Cannot reach the proxy 127.0.0.1:{closedPort} (Device__ProxyUri): connection refused (nothing listens on that port).", first, StringComparison.Ordinal);
        Assert.DoesNotContain(module.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Module_MqttWebSocketToTheMqttTlsPort_SaysTheServerDidNotAnswerTheUpgrade()
    {
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, Environment("wrong-port-device", port: fixture.Broker.Port));

        var line = await module.WaitForLineAsync(l => l.Contains("WebSocket", StringComparison.Ordinal) && l.Contains("readings kept", StringComparison.Ordinal), Patience);

        Assert.Contains($"localhost:{fixture.Broker.Port}", line, StringComparison.Ordinal);
    }
}
