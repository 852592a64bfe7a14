using System.Globalization;
using HubSimulator.Demo;
using HubSimulator.Hosting;
using HubSimulator.Registry;
using HubSimulator.Messages;
using HubSimulator.Provisioning;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// The simulator in-process on free loopback ports with a test PKI: the root CA registered and verified by proof of
/// possession, a server certificate from the PKI's server CA. Each test registers its own devices.
/// </summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    /// <summary>Name the PKI's root CA is registered under.</summary>
    public const string RootCaName = "test-root";

    WebApplication app = null!;

    public TestPki Pki { get; } = new();

    public LogCollector Logs { get; } = new();

    public int MqttPort { get; } = FreePort.Next();

    public int AmqpPort { get; } = FreePort.Next();

    public int AdminPort { get; } = FreePort.Next();

    /// <summary>The WebSocket endpoint's port (<c>Simulator__WebSocketPort</c>).</summary>
    public int WebSocketPort { get; } = FreePort.Next();

    /// <summary>The DPS endpoint's port (id scope <see cref="IdScope"/>).</summary>
    public int ProvisioningPort { get; } = FreePort.Next();

    public const string IdScope = "0ne00000042";

    public EnrollmentStore Enrollments => app.Services.GetRequiredService<EnrollmentStore>();

    /// <summary>The device port of a transport (<c>Device__Transport</c> value).</summary>
    public int PortFor(string transport) => transport switch
    {
        "Amqp" => AmqpPort,
        "MqttWebSocket" or "AmqpWebSocket" => WebSocketPort,
        _ => MqttPort,
    };

    public Uri AdminUri => new($"http://127.0.0.1:{AdminPort}");

    public DeviceRegistry Registry => app.Services.GetRequiredService<DeviceRegistry>();

    public MessageStore Telemetry => app.Services.GetRequiredService<MessageStore>();

    public HubSimulator.Cloud.CloudToDeviceMessages CloudToDevice => app.Services.GetRequiredService<HubSimulator.Cloud.CloudToDeviceMessages>();

    public async Task InitializeAsync()
    {
        app = SimulatorApp.Build([], new Dictionary<string, string?>
        {
            ["Simulator:MqttPort"] = MqttPort.ToString(CultureInfo.InvariantCulture),
            ["Simulator:AmqpPort"] = AmqpPort.ToString(CultureInfo.InvariantCulture),
            ["Simulator:AdminPort"] = AdminPort.ToString(CultureInfo.InvariantCulture),
            ["Simulator:WebSocketPort"] = WebSocketPort.ToString(CultureInfo.InvariantCulture),
            ["Simulator:ProvisioningPort"] = ProvisioningPort.ToString(CultureInfo.InvariantCulture),
            ["Simulator:IdScope"] = IdScope,
            ["Simulator:DataFolder"] = Path.Combine(Pki.Folder, "hub"),
            ["Simulator:ServerCertificatePath"] = Pki.ServerCertificatePem,
            ["Simulator:ServerKeyPath"] = Pki.ServerKeyPem,
            ["Simulator:MessagesFile"] = Path.Combine(Pki.Folder, "messages.jsonl"),
        }, logging => logging.AddProvider(Logs));
        await app.StartAsync();
        ProofOfPossession.RegisterAndVerify(Registry, RootCaName, Pki.RootCa, _ => { });
    }

    /// <summary>Registers a CA-signed device and issues its certificate from the intermediate CA.</summary>
    public DeviceFiles CaSignedDevice(string deviceId)
    {
        Registry.AddDevice(deviceId, DeviceAuthentication.CaSigned);
        return Pki.IssueDevice(deviceId);
    }

    public async Task DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Pki.Dispose();
    }
}
