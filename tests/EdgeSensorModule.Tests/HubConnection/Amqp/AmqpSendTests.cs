using EdgeSensorModule.HubConnection;
using EdgeSensorModule.HubConnection.Amqp;
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

    readonly AmqpTestClients clients = new();

    [Fact]
    public async Task SendAsync_HubNeverSettles_IsATimeoutAfterTheOperationTimeout()
    {
        var hub = new AmqpTestHub(AmqpTestHub.CloudLinks.Refused, settlesTelemetry: false);
        await using var server = TlsTestServer.Start(clients.Pki, hub.SessionAsync);
        await using var client = clients.Client(server.Port, "unsettled-device", TimeSpan.FromSeconds(1), NullLogger<AmqpHubClient>.Instance);
        await client.ConnectAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<HubException>(() => client.SendAsync(AmqpTestClients.Reading(1), CancellationToken.None).WaitAsync(Patience));

        Assert.Equal(HubErrorCode.Timeout, error.ErrorCode);
        Assert.Contains("Device__OperationTimeout", error.Message, StringComparison.Ordinal);
        Assert.Equal("1", (await hub.Telemetry.ReadAsync()).Properties.MessageId.ToString());
    }

    [Fact]
    public async Task SendAsync_CancelledWhileTheHubHoldsIt_EndsCancelledLongBeforeTheOperationTimeout()
    {
        var hub = new AmqpTestHub(AmqpTestHub.CloudLinks.Refused, settlesTelemetry: false);
        await using var server = TlsTestServer.Start(clients.Pki, hub.SessionAsync);
        await using var client = clients.Client(server.Port, "cancelled-device", TimeSpan.FromHours(1), NullLogger<AmqpHubClient>.Instance);
        await client.ConnectAsync(CancellationToken.None);
        using var grace = new CancellationTokenSource();

        var sends = new[] { client.SendAsync(AmqpTestClients.Reading(1), grace.Token), client.SendAsync(AmqpTestClients.Reading(2), grace.Token) };
        await hub.Telemetry.ReadAsync();
        await hub.Telemetry.ReadAsync(); // both are at the hub, unsettled
        await grace.CancelAsync();

        foreach (var send in sends)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send.WaitAsync(Patience));
        }
    }

    public void Dispose() => clients.Dispose();
}
