using TestInfrastructure;

namespace EdgeSensorModule.Tests;

/// <summary>
/// One test PKI and one TLS mosquitto broker shared by a test class; each test uses its own device id. The broker
/// takes IoT Hub's <c>$iothub/</c> topics (and never answers them), as IoT Hub takes them: a plain ACL makes mosquitto
/// close the connection on the module's twin request, and what was in flight then arrives twice.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public TestPki Pki { get; } = new();

    public MosquittoBroker Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync(Pki, openIotHubTopics: true);

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        Pki.Dispose();
    }
}
