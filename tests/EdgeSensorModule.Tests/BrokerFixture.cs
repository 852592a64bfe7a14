using TestInfrastructure;

namespace EdgeSensorModule.Tests;

/// <summary>One test PKI and one TLS mosquitto broker shared by a test class; each test uses its own device id.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public TestPki Pki { get; } = new();

    public MosquittoBroker Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync(Pki);

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        Pki.Dispose();
    }
}
