using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.HubConnection.Amqp;
using EdgeSensorModule.Identity;
using IotHub.Certificates;
using IotHub.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.HubConnection.Amqp;

/// <summary>
/// A telemetry send the hub never settles: it ends as a timeout after Device__OperationTimeout, or cancelled when the
/// delivery loop's token is (the shutdown grace ran out). Real TLS and a Microsoft.Azure.Amqp hub (<see cref="AmqpTestHub"/>).
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class AmqpSendTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    readonly TestPki pki = new();
    readonly List<ClientIdentity> identities = [];

    [Fact]
    public async Task SendAsync_HubNeverSettles_IsATimeoutAfterTheOperationTimeout()
    {
        var hub = new AmqpTestHub(AmqpTestHub.CloudLinks.Refused, settlesTelemetry: false);
        await using var server = TlsTestServer.Start(pki, hub.SessionAsync);
        await using var client = Client(server.Port, "unsettled-device", TimeSpan.FromSeconds(1));
        await client.ConnectAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<HubException>(() => client.SendAsync(Reading(1), CancellationToken.None).WaitAsync(Patience));

        Assert.Equal(HubErrorCode.Timeout, error.ErrorCode);
        Assert.Contains("Device__OperationTimeout", error.Message, StringComparison.Ordinal);
        Assert.Equal("1", (await hub.Telemetry.ReadAsync()).Properties.MessageId.ToString());
    }

    [Fact]
    public async Task SendAsync_CancelledWhileTheHubHoldsIt_EndsCancelledLongBeforeTheOperationTimeout()
    {
        var hub = new AmqpTestHub(AmqpTestHub.CloudLinks.Refused, settlesTelemetry: false);
        await using var server = TlsTestServer.Start(pki, hub.SessionAsync);
        await using var client = Client(server.Port, "cancelled-device", TimeSpan.FromHours(1));
        await client.ConnectAsync(CancellationToken.None);
        using var grace = new CancellationTokenSource();

        var sends = new[] { client.SendAsync(Reading(1), grace.Token), client.SendAsync(Reading(2), grace.Token) };
        await hub.Telemetry.ReadAsync();
        await hub.Telemetry.ReadAsync(); // both are at the hub, unsettled
        await grace.CancelAsync();

        foreach (var send in sends)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send.WaitAsync(Patience));
        }
    }

    static HubMessage Reading(int id) => new(id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, "application/json", "utf-8", [], """{"t":1}"""u8.ToArray());

    AmqpHubClient Client(int port, string deviceId, TimeSpan operationTimeout)
    {
        var files = pki.IssueDevice(deviceId);
        var identity = ClientIdentityLoader.Load(files.Pfx, TestPki.PfxPassword, null, CertificateSettingNames.Device);
        identities.Add(identity);
        var device = new DeviceOptions { Id = deviceId, HostName = "localhost", Port = port, Transport = HubTransportKind.Amqp, OperationTimeout = operationTimeout };
        return new AmqpHubClient(device, new ClientIdentitySource(identity), [pki.ServerCa], NullLogger<AmqpHubClient>.Instance);
    }

    public void Dispose()
    {
        identities.ForEach(identity => identity.Dispose());
        pki.Dispose();
    }
}
