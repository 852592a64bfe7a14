using System.Diagnostics;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.IotHub;
using EdgeSensorModule.Telemetry;
using EdgeSensorModule.Tests.Outbox;
using IotHub.Certificates;
using IotHub.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Telemetry;

/// <summary>
/// Shutdown of the delivery loop against a hub whose acknowledgements the test controls (the network edge is the
/// one fake here): sends in flight get <c>Telemetry__ShutdownTimeout</c>, and what is not acknowledged stays.
/// </summary>
public sealed class DeliveryServiceShutdownTests : IDisposable
{
    readonly OutboxFiles files = new();
    readonly ClientIdentity identity = new(CertificateFactory.CreateSelfSignedDevice("dev1"), []);
    readonly HeldAcknowledgements hub = new();

    DeliveryService Service(EdgeSensorModule.Outbox.FileOutbox outbox, TimeSpan shutdownTimeout) => new(
        hub, outbox, identity, Options.Create(new TelemetryOptions { ShutdownTimeout = shutdownTimeout }), TimeProvider.System,
        new NoLifetime(), NullLogger<DeliveryService>.Instance);

    [Fact]
    public async Task StopAsync_SendsInFlight_WaitsForTheirAcknowledgementsAndSettlesThem()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 3);
        using var service = Service(outbox, TimeSpan.FromSeconds(30));
        await service.StartAsync(CancellationToken.None);
        await hub.InFlight(3).WaitAsync(TimeSpan.FromSeconds(10));

        var stopping = service.StopAsync(CancellationToken.None);
        Assert.False(stopping.IsCompleted);
        hub.AcknowledgeAll();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public async Task StopAsync_AcknowledgementsNeverCome_GivesUpAfterTheShutdownTimeoutAndKeepsTheReadings()
    {
        using var outbox = files.Open();
        await OutboxFiles.AppendAsync(outbox, 3);
        using var service = Service(outbox, TimeSpan.FromMilliseconds(300));
        await service.StartAsync(CancellationToken.None);
        await hub.InFlight(3).WaitAsync(TimeSpan.FromSeconds(10));

        var stopwatch = Stopwatch.StartNew();
        await service.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Equal(3, outbox.Count);
    }

    public void Dispose()
    {
        identity.Dispose();
        files.Dispose();
    }

    /// <summary>A connected hub that acknowledges only when told to; sends honour cancellation like the real client.</summary>
    sealed class HeldAcknowledgements : IHubClient
    {
        readonly Lock gate = new();
        readonly List<TaskCompletionSource> sends = [];
        readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];

        public bool IsConnected => true;

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SendAsync(HubMessage message, CancellationToken cancellationToken)
        {
            var acknowledgement = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cancellationToken.Register(() => acknowledgement.TrySetCanceled(cancellationToken));
            lock (gate)
            {
                sends.Add(acknowledgement);
                foreach (var (count, reached) in waiters.Where(w => sends.Count >= w.Count))
                {
                    reached.TrySetResult();
                }
            }

            return acknowledgement.Task;
        }

        public Task InFlight(int count)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                waiters.Add((count, reached));
                if (sends.Count >= count)
                {
                    reached.TrySetResult();
                }
            }

            return reached.Task;
        }

        public void AcknowledgeAll()
        {
            lock (gate)
            {
                sends.ForEach(s => s.TrySetResult());
            }
        }

        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    sealed class NoLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
