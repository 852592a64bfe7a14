using System.Threading.Channels;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.HubConnection.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Extensions.Logging.Testing;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.HubConnection.Amqp;

/// <summary>
/// The AMQP client's twin, methods and C2D links against hubs that do not serve them as IoT Hub does (the simulator
/// covers the hub that does): telemetry never waits for them, a refusal is one line, an unanswered twin request is a
/// timeout. Real TLS and a Microsoft.Azure.Amqp hub (<see cref="AmqpTestHub"/>).
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class AmqpCloudLinkTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    readonly AmqpTestClients clients = new();
    readonly Channel<string> lines = Channel.CreateUnbounded<string>();
    readonly FakeLogger<AmqpHubClient> logger;
    readonly Listener listener = new();

    public AmqpCloudLinkTests()
    {
        logger = new FakeLogger<AmqpHubClient>(FakeLogCollector.Create(new FakeLogCollectorOptions { OutputSink = line => lines.Writer.TryWrite(line) }));
    }

    [Fact]
    public async Task CloudLinks_HubRefusesThem_OneLineNamesEachAndTelemetryGoesOn()
    {
        var hub = new AmqpTestHub(AmqpTestHub.CloudLinks.Refused);
        await using var server = TlsTestServer.Start(clients.Pki, hub.SessionAsync);
        await using var client = Client(server.Port, "refused-links-device", TimeSpan.FromSeconds(5));

        await client.ConnectAsync(CancellationToken.None);
        var line = await WaitForLineAsync("did not attach the links");
        await client.SendAsync(AmqpTestClients.Reading(1), CancellationToken.None);
        var twin = await Assert.ThrowsAsync<HubException>(() => client.GetTwinAsync(CancellationToken.None));

        Assert.Contains("twin (amqp:not-found", line, StringComparison.Ordinal);
        Assert.Contains("methods (amqp:not-found", line, StringComparison.Ordinal);
        Assert.Contains("cloud-to-device (amqp:not-found", line, StringComparison.Ordinal);
        Assert.Equal("1", (await hub.Telemetry.ReadAsync()).Properties.MessageId.ToString());
        Assert.Equal(HubErrorCode.ConnectionLost, twin.ErrorCode);
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Equal(0, listener.Connects);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task GetTwin_HubAttachesTheTwinLinksButNeverAnswers_IsATimeoutAfterTheOperationTimeout()
    {
        var hub = new AmqpTestHub(AmqpTestHub.CloudLinks.AttachedButSilent);
        await using var server = TlsTestServer.Start(clients.Pki, hub.SessionAsync);
        await using var client = Client(server.Port, "silent-twin-device", TimeSpan.FromSeconds(1));

        await client.ConnectAsync(CancellationToken.None);
        await listener.Connected.WaitAsync(Patience); // after the desired subscription went unanswered
        var started = DateTimeOffset.UtcNow;
        var error = await Assert.ThrowsAsync<HubException>(() => client.GetTwinAsync(CancellationToken.None));
        var waited = DateTimeOffset.UtcNow - started;
        await client.SendAsync(AmqpTestClients.Reading(2), CancellationToken.None);

        Assert.Equal(HubErrorCode.Timeout, error.ErrorCode);
        Assert.Contains("Device__OperationTimeout", error.Message, StringComparison.Ordinal);
        Assert.InRange(waited.TotalSeconds, 0.9, 10);
        using var subscribe = await hub.TwinRequests.ReadAsync();
        using var get = await hub.TwinRequests.ReadAsync();
        Assert.Equal("PUT", subscribe.MessageAnnotations.Map[(AmqpSymbol)"operation"]);
        Assert.Equal("/notifications/twin/properties/desired", subscribe.MessageAnnotations.Map[(AmqpSymbol)"resource"]);
        Assert.Equal("GET", get.MessageAnnotations.Map[(AmqpSymbol)"operation"]);
        Assert.NotEqual(subscribe.Properties.CorrelationId.ToString(), get.Properties.CorrelationId.ToString());
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.Contains("did not take the desired-properties subscription", StringComparison.Ordinal));
        Assert.Equal("2", (await hub.Telemetry.ReadAsync()).Properties.MessageId.ToString());
    }

    [Fact]
    public async Task Telemetry_HubNeverAnswersTheCloudLinksAttach_IsSentBeforeTheyGiveUp()
    {
        var hub = new AmqpTestHub(AmqpTestHub.CloudLinks.AttachNeverAnswered);
        await using var server = TlsTestServer.Start(clients.Pki, hub.SessionAsync);
        await using var client = Client(server.Port, "stalled-links-device", TimeSpan.FromSeconds(3));

        await client.ConnectAsync(CancellationToken.None);
        await client.SendAsync(AmqpTestClients.Reading(3), CancellationToken.None);
        var sentBeforeGivingUp = !logger.Collector.GetSnapshot().Any(r => r.Message.Contains("did not attach", StringComparison.Ordinal));
        var line = await WaitForLineAsync("did not attach the links");

        Assert.True(sentBeforeGivingUp, "telemetry waited for the cloud links");
        Assert.Equal("3", (await hub.Telemetry.ReadAsync()).Properties.MessageId.ToString());
        Assert.Contains("no answer within Device__OperationTimeout", line, StringComparison.Ordinal);
    }

    async Task<string> WaitForLineAsync(string text)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var line = await lines.Reader.ReadAsync(deadline.Token);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    AmqpHubClient Client(int port, string deviceId, TimeSpan operationTimeout)
    {
        var client = clients.Client(port, deviceId, operationTimeout, logger);
        client.Listen(listener);
        return client;
    }

    public void Dispose() => clients.Dispose();

    sealed class Listener : ICloudListener
    {
        readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int connects;

        public int Connects => Volatile.Read(ref connects);

        public Task Connected => connected.Task;

        void ICloudListener.Connected()
        {
            Interlocked.Increment(ref connects);
            connected.TrySetResult();
        }

        public void DesiredPatch(string patchJson)
        {
        }

        public Task<MethodAnswer> InvokeAsync(string methodName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            Task.FromResult(new MethodAnswer(501, "{}"));
    }
}
