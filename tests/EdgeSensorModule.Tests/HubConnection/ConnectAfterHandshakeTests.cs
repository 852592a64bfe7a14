using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Identity;
using IotHub.Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>
/// What a server does after completing TLS decides what a failed connect is called (issue 11 item 5). Never answering
/// CONNECT is a timeout, or a shutdown when the module stops meanwhile; only closing at once, before sending anything,
/// is the server refusing the device's certificate (how .NET servers and TLS 1.3 refuse it).
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class ConnectAfterHandshakeTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    readonly TestPki pki = new();
    readonly List<ClientIdentity> identities = [];

    [Fact]
    public async Task ConnectAsync_ServerSilentAfterHandshake_FailsAsATimeout()
    {
        await using var server = TlsTestServer.Start(pki, TlsTestServer.Silent);
        await using var client = Client(server.Port, "stalled-device", connectTimeout: TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<HubException>(() => client.ConnectAsync(CancellationToken.None));

        Assert.Equal(HubErrorCode.Timeout, error.ErrorCode);
    }

    [Fact]
    public async Task ConnectAsync_CancelledWhileServerSilent_IsACancellationNotAHubError()
    {
        await using var server = TlsTestServer.Start(pki, TlsTestServer.Silent);
        await using var client = Client(server.Port, "stopping-device", connectTimeout: Patience);
        using var shutdown = new CancellationTokenSource();

        var connecting = client.ConnectAsync(shutdown.Token);
        await server.WaitForHandshakeAsync(Patience);
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting);
    }

    [Fact]
    public async Task ConnectAsync_WhileAnEarlierConnectIsPending_IsATransientConnectionLost()
    {
        await using var server = TlsTestServer.Start(pki, TlsTestServer.Silent);
        await using var client = Client(server.Port, "pending-device", connectTimeout: Patience);
        using var shutdown = new CancellationTokenSource();
        var first = client.ConnectAsync(shutdown.Token);
        await server.WaitForHandshakeAsync(Patience);

        // MQTTnet refuses a connect while its last connect or disconnect is still under way (as when the delivery loop
        // reconnects the moment a dropped connection reports it is down): a retry later, not a failure of the module.
        var error = await Assert.ThrowsAsync<HubException>(() => client.ConnectAsync(CancellationToken.None));
        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        Assert.Equal(HubErrorCode.ConnectionLost, error.ErrorCode);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task ConnectAsync_ServerClosesRightAfterTheHandshake_IsClientCertificateRejected()
    {
        await using var server = TlsTestServer.Start(pki, (_, _) => Task.CompletedTask);
        await using var client = Client(server.Port, "refused-device", connectTimeout: Patience);

        var error = await Assert.ThrowsAsync<HubException>(() => client.ConnectAsync(CancellationToken.None));

        Assert.Equal(HubErrorCode.ClientCertificateRejected, error.ErrorCode);
    }

    [Fact]
    public async Task Module_SigtermWhileServerSilentAfterHandshake_StopsWithoutAnErrorLine()
    {
        await using var server = TlsTestServer.Start(pki, TlsTestServer.Silent);
        var device = pki.IssueDevice("sigterm-device");
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, ModuleEnvironment.ForPfx(pki, device, "sigterm-device", server.Port));
        await server.WaitForHandshakeAsync(Patience);

        module.Terminate();

        Assert.Equal(0, await module.WaitForExitAsync(Patience));
        Assert.DoesNotContain(module.Lines, l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal));
    }

    MqttHubClient Client(int port, string deviceId, TimeSpan connectTimeout)
    {
        var files = pki.IssueDevice(deviceId);
        var identity = ClientIdentityLoader.Load(files.Pfx, TestPki.PfxPassword, null, CertificateSettingNames.Device);
        identities.Add(identity);
        var device = new DeviceOptions { Id = deviceId, HostName = "localhost", Port = port, ConnectTimeout = connectTimeout };
        return new MqttHubClient(device, new ClientIdentitySource(identity), [pki.ServerCa], NullLogger<MqttHubClient>.Instance);
    }

    public void Dispose()
    {
        identities.ForEach(identity => identity.Dispose());
        pki.Dispose();
    }
}
