using System.Diagnostics;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Identity;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Tests.Outbox;
using IotHub.Certificates;
using IotHub.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Delivery;

/// <summary>
/// Shutdown of the delivery loop against a hub whose acknowledgements the test controls (the network edge is the
/// one fake here): sends in flight get <c>Telemetry__ShutdownTimeout</c>, and what is not acknowledged stays.
/// </summary>
public sealed class DeliveryServiceShutdownTests : IDisposable
{
    readonly OutboxFiles files = new();
    readonly ClientIdentitySource identity = new(new ClientIdentity(CertificateFactory.CreateSelfSignedDevice("dev1"), []));
    readonly HeldAcknowledgements hub = new();

    DeliveryService Service(EdgeSensorModule.Outbox.FileOutbox outbox, TimeSpan shutdownTimeout) => new(
        hub, outbox, new SampledReadings(), identity, Options.Create(new TelemetryOptions { ShutdownTimeout = shutdownTimeout }), TimeProvider.System,
        new NoLifetime(), NullLogger<DeliveryService>.Instance);

    [Fact]
    public async Task StopAsync_SendsInFlight_WaitsForTheirAcknowledgementsAndSettlesThem()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 3);
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
        OutboxFiles.Append(outbox, 3);
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
}
