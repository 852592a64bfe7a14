using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.HubConnection.Amqp;
using EdgeSensorModule.Identity;
using IotHub.Certificates;
using IotHub.Protocol;
using Microsoft.Extensions.Logging;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.HubConnection.Amqp;

/// <summary>A test PKI and the module's AMQP clients with device certificates from it, for <see cref="AmqpTestHub"/> tests.</summary>
internal sealed class AmqpTestClients : IDisposable
{
    readonly List<ClientIdentity> identities = [];

    public TestPki Pki { get; } = new();

    /// <summary>A client for <paramref name="deviceId"/> to the hub on <paramref name="port"/>; it does not connect yet.</summary>
    public AmqpHubClient Client(int port, string deviceId, TimeSpan operationTimeout, ILogger<AmqpHubClient> logger)
    {
        var files = Pki.IssueDevice(deviceId);
        var identity = ClientIdentityLoader.Load(files.Pfx, TestPki.PfxPassword, null, CertificateSettingNames.Device);
        identities.Add(identity);
        var device = new DeviceOptions { Id = deviceId, HostName = "localhost", Port = port, Transport = HubTransportKind.Amqp, OperationTimeout = operationTimeout };
        return new AmqpHubClient(device, new ClientIdentitySource(identity), [Pki.ServerCa], logger);
    }

    /// <summary>A small reading whose <c>$.mid</c> is <paramref name="id"/>.</summary>
    public static HubMessage Reading(int id) =>
        new(id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, "application/json", "utf-8", [], """{"t":1}"""u8.ToArray());

    public void Dispose()
    {
        identities.ForEach(identity => identity.Dispose());
        Pki.Dispose();
    }
}
