using EdgeSensorModule.Configuration;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Identity;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Tests.Outbox;
using IotHub.Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Delivery;

/// <summary>
/// The sliding window against a hub whose acknowledgements the test controls: every PUBACK is answered with a PUBLISH
/// at once (a broker that holds PUBACKs behind Nagle's algorithm needs that to release the next ones), and no more
/// than <c>Telemetry__MaxInFlight</c> are ever outstanding.
/// </summary>
public sealed class DeliveryWindowTests : IDisposable
{
    readonly OutboxFiles files = new();
    readonly ClientIdentitySource identity = new(new ClientIdentity(CertificateFactory.CreateSelfSignedDevice("dev1"), []));
    readonly HeldAcknowledgements hub = new();

    [Fact]
    public async Task Send_OneAcknowledgementComesBack_SettlesItAndSendsOneMoreAtOnce()
    {
        using var outbox = files.Open();
        OutboxFiles.Append(outbox, 10);
        using var service = new DeliveryService(hub, outbox, new SampledReadings(), identity, Options.Create(new TelemetryOptions { MaxInFlight = 4 }),
            TimeProvider.System, new NoLifetime(), NullLogger<DeliveryService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await hub.InFlight(4).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, hub.Started);

        hub.Acknowledge(0);
        await hub.InFlight(5).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(5, hub.Started);
        Assert.Equal(9, outbox.Count);
        hub.AcknowledgeAll();
        await service.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        identity.Dispose();
        files.Dispose();
    }
}
