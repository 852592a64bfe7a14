using System.Text.Json;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Provisioning;
using IotHub.Protocol;
using IotHub.Protocol.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSensorModule.Tests.Provisioning;

/// <summary>The registration conversation with DPS, against scripted answers: retry-after, throttling, refusals.</summary>
public sealed class DpsRegistrarTests
{
    readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-12-02T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    readonly List<TimeSpan> waits = [];

    [Fact]
    public async Task Register_ThrottledThenAssigning_WaitsEachRetryAfterTheServiceGave()
    {
        var channel = new ScriptedChannel(
            Error(429, DpsErrorCodes.Throttled, TimeSpan.FromSeconds(5)),
            Operation(202, DpsStatus.Assigning, TimeSpan.FromSeconds(3)),
            Operation(200, DpsStatus.Assigned, null));

        var assignment = await Registrar(channel).RegisterAsync(CancellationToken.None);

        Assert.Equal(("hub-7.azure-devices.net", "pi-7"), (assignment.AssignedHub, assignment.DeviceId));
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3)], waits);
        Assert.Equal(3, channel.Topics.Count);
        Assert.StartsWith(DpsTopics.RegisterPrefix, channel.Topics[1], StringComparison.Ordinal); // the throttled register is sent again
        Assert.StartsWith(DpsTopics.PollPrefix, channel.Topics[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ThrottledLongerThanItWaitsInline_ThrowsThrottledWithTheRetryAfter()
    {
        var channel = new ScriptedChannel(Error(429, DpsErrorCodes.Throttled, TimeSpan.FromMinutes(10)));

        var ex = await Assert.ThrowsAsync<DpsException>(() => Registrar(channel).RegisterAsync(CancellationToken.None));

        Assert.Equal(DpsFailure.Throttled, ex.Failure);
        Assert.Equal(TimeSpan.FromMinutes(10), ex.RetryAfter);
        Assert.Empty(waits);
    }

    [Theory]
    [InlineData(404, DpsErrorCodes.UnknownIdScope, DpsFailure.UnknownIdScope, "Provisioning__IdScope")]
    [InlineData(404, DpsErrorCodes.EnrollmentNotFound, DpsFailure.NoEnrollment, "add an enrollment group")]
    [InlineData(401, DpsErrorCodes.EnrollmentDisabled, DpsFailure.EnrollmentDisabled, "enrollment is disabled")]
    [InlineData(401, DpsErrorCodes.Unauthorized, DpsFailure.Unauthorized, "the CA must be verified in DPS")]
    [InlineData(503, 503000, DpsFailure.ServiceUnavailable, "is failing")]
    public async Task Register_Refused_ClassifiedWithOneLine(int status, int code, DpsFailure expected, string advice)
    {
        var ex = await Assert.ThrowsAsync<DpsException>(() => Registrar(new ScriptedChannel(Error(status, code, null))).RegisterAsync(CancellationToken.None));

        Assert.Equal(expected, ex.Failure);
        Assert.Contains(advice, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task Connect_DpsThrottledForLong_NoNewRequestBeforeItsRetryAfter()
    {
        var channel = new ScriptedChannel(Error(429, DpsErrorCodes.Throttled, TimeSpan.FromMinutes(10)), Operation(202, DpsStatus.Assigning, null), Operation(200, DpsStatus.Assigned, null));
        var folder = Directory.CreateTempSubdirectory("dps-cache-");
        try
        {
            var device = new DeviceOptions { Id = "pi-7", CertificatePath = "unused" };
            await using var client = new ProvisionedHubClient(device, new ProvisioningOptions { IdScope = "0ne1" }, Registrar(channel),
                new AssignmentCache(folder.FullName, NullLogger.Instance), new CurrentHub(device), _ => new ConnectedClient(), clock, NullLogger<ProvisionedHubClient>.Instance);

            var first = await Assert.ThrowsAsync<HubException>(() => client.ConnectAsync(CancellationToken.None));
            clock.Advance(TimeSpan.FromMinutes(9));
            var second = await Assert.ThrowsAsync<HubException>(() => client.ConnectAsync(CancellationToken.None));
            var requestsWhileThrottled = channel.Topics.Count;
            clock.Advance(TimeSpan.FromMinutes(1));
            await client.ConnectAsync(CancellationToken.None);

            Assert.Equal(HubErrorCode.ServerUnavailable, first.ErrorCode);
            Assert.Equal(HubErrorCode.ServerUnavailable, second.ErrorCode);
            Assert.Equal(1, requestsWhileThrottled);
            Assert.True(client.IsConnected);
            Assert.True(File.Exists(Path.Combine(folder.FullName, AssignmentCache.FileName)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    DpsRegistrar Registrar(ScriptedChannel channel) => new(() => channel, "0ne1", "pi-7", "dps.test:8883", clock, NullLogger<DpsRegistrar>.Instance,
        (delay, _) =>
        {
            waits.Add(delay);
            return Task.CompletedTask;
        });

    static DpsResponse Operation(int status, string state, TimeSpan? retryAfter) => new(status, retryAfter, JsonSerializer.SerializeToUtf8Bytes(
        new DpsOperationStatus("op-1", state, state == DpsStatus.Assigned ? new DpsRegistrationState("pi-7", state, "hub-7.azure-devices.net", "pi-7") : null),
        DpsJsonContext.Default.DpsOperationStatus));

    static DpsResponse Error(int status, int code, TimeSpan? retryAfter) =>
        new(status, retryAfter, JsonSerializer.SerializeToUtf8Bytes(new DpsError(code, "scripted"), DpsJsonContext.Default.DpsError));

    /// <summary>Answers each request with the next scripted response.</summary>
    sealed class ScriptedChannel(params DpsResponse[] answers) : IDpsChannel
    {
        readonly Queue<DpsResponse> queue = new(answers);

        public List<string> Topics { get; } = [];

        public Task<DpsResponse> RequestAsync(string topic, string requestId, byte[] payload, CancellationToken cancellationToken)
        {
            Topics.Add(topic);
            return Task.FromResult(queue.Dequeue());
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>The hub side is not under test here: a client that connects.</summary>
    sealed class ConnectedClient : IHubClient
    {
        public bool IsConnected { get; private set; }

        public Task ConnectAsync(CancellationToken cancellationToken)
        {
            IsConnected = true;
            return Task.CompletedTask;
        }

        public Task SendAsync(HubMessage message, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
