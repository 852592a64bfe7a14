using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HubSimulator.Cli;
using HubSimulator.Hosting;
using HubSimulator.Registry;
using HubSimulator.Messages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HubSimulator.Demo;

/// <summary>
/// <c>dotnet run --project modules/HubSimulator -- demo</c>: the seed tutorial's whole X.509 flow on one machine.
/// A test PKI, the simulator on a free loopback port, the CA registered and verified by proof of possession, the
/// device registered as CA signed, the real module (built and started as a process, fake sensor) sending 5 readings, each shown as the
/// hub received it, then a summary.
/// </summary>
public static class DemoCommand
{
    /// <summary>The demo device's id.</summary>
    public const string DeviceId = "demo-device";

    /// <summary>Name the root CA is registered under.</summary>
    public const string CaName = "demo-root-ca";

    const double Threshold = 30;

    /// <summary>A fake-sensor walk that crosses the threshold both ways within 5 readings.</summary>
    const int DefaultSeed = 2;
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    /// <summary>The transports the demo can run the module over (<c>Device__Transport</c> values).</summary>
    static readonly string[] Transports = ["Mqtt", "MqttWebSocket", "Amqp", "AmqpWebSocket"];

    /// <summary>The <c>demo</c> verb.</summary>
    public static Command Create()
    {
        var folder = CliOptions.Text("--folder", "Where the demo keeps its PKI, the hub's data and messages.jsonl (reused between runs).", "DIR", ".demo");
        var count = CliOptions.Positive("--count", "How many readings the module sends.", 5);
        var seed = CliOptions.Positive("--seed", "The fake sensor's seed (the default crosses the alert threshold both ways within 5 readings).", DefaultSeed);
        var transport = CliOptions.Text("--transport", "The module's Device__Transport.", "TRANSPORT", "Mqtt");
        transport.AcceptOnlyFromAmong(Transports);
        var provisioning = CliOptions.Flag("--provisioning", "The fleet path: enroll the CA in the simulator's DPS instead of registering the device; the module provisions itself.");
        var demo = new Command("demo", "The whole X.509 flow on this machine: test PKI, the simulator on free loopback ports, CA proof of possession, the module sending readings.")
        {
            folder, count, seed, transport, provisioning,
        };
        demo.SetAction((parse, cancel) => RunAsync(
            parse.GetRequiredValue(folder), parse.GetValue(count), parse.GetValue(seed), parse.GetRequiredValue(transport), parse.GetValue(provisioning), parse.InvocationConfiguration.Output));
        return demo;
    }

    /// <summary>Runs the demo; 0 when every reading arrived and decoded.</summary>
    public static async Task<int> RunAsync(string folder, int count, int seed, string transport, bool provisioning, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        output.WriteLine("EdgeSensorModule demo: X.509 CA chain -> proof of possession -> CA-signed device -> telemetry with temperatureAlert");

        if (ModuleLauncher.FindProject() is not { } project)
        {
            output.WriteLine("demo runs the module from the repository (modules/EdgeSensorModule) and found none above this program; run it with dotnet run --project modules/HubSimulator -- demo in a clone.");
            return ExitCodes.Usage;
        }

        output.WriteLine($"[0/6] building the module ({project}; the first time on a fresh clone takes about 20 s)");
        if (await ModuleLauncher.BuildAsync(project, output, CancellationToken.None) is not { } moduleAssembly)
        {
            output.WriteLine("FAILED: the module did not build; see the lines above.");
            return ExitCodes.Failed;
        }

        Step(output, 1, $"test PKI in {Path.GetFullPath(folder)}");
        using var pki = LabPki.LoadOrCreate(folder, DeviceId, ["localhost"]);
        Detail(output, $"{(pki.Reused ? "reused" : "made")}: root CA, intermediate CA, device '{DeviceId}' (PFX password {LabPki.PfxPassword}), server certificate");

        Step(output, 2, "starting the IoT Hub simulator");
        var messagesFile = Path.Combine(folder, "messages.jsonl");
        File.Delete(messagesFile);
        var mqttPort = FreeLoopbackPort();
        var amqpPort = FreeLoopbackPort();
        var webSocketPort = FreeLoopbackPort();
        var provisioningPort = provisioning ? FreeLoopbackPort() : 0;
        await using var hub = SimulatorApp.Build([], new Dictionary<string, string?>
        {
            ["Simulator:MqttPort"] = Invariant(mqttPort),
            ["Simulator:AmqpPort"] = Invariant(amqpPort),
            ["Simulator:WebSocketPort"] = Invariant(webSocketPort),
            ["Simulator:ProvisioningPort"] = Invariant(provisioningPort),
            ["Simulator:AdminPort"] = Invariant(FreeLoopbackPort()),
            ["Simulator:DataFolder"] = Path.Combine(folder, "hub"),
            ["Simulator:ServerCertificatePath"] = pki.ServerCertificatePem,
            ["Simulator:ServerKeyPath"] = pki.ServerKeyPem,
            ["Simulator:MessagesFile"] = messagesFile,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await hub.StartAsync();
        Detail(output, $"MQTT over TLS on 127.0.0.1:{mqttPort}, AMQP over TLS on 127.0.0.1:{amqpPort}, MQTT and AMQP over WebSocket on wss://localhost:{webSocketPort}/$iothub/websocket (client certificate required); the module uses {transport}");

        Step(output, 3, "registering the root CA and proving possession of its key");
        var registry = hub.Services.GetRequiredService<DeviceRegistry>();
        ProofOfPossession.RegisterAndVerify(registry, CaName, pki.RootCa, line => Detail(output, line));

        if (provisioning)
        {
            Step(output, 4, $"enrolling the CA in DPS (127.0.0.1:{provisioningPort}) instead of registering '{DeviceId}'");
            Detail(output, ProvisioningDemo.Enroll(hub.Services, CaName));
        }
        else
        {
            Step(output, 4, $"registering device '{DeviceId}' as X.509 CA signed");
            if (registry.FindDevice(DeviceId) is null)
            {
                registry.AddDevice(DeviceId, DeviceAuthentication.CaSigned);
            }
            else
            {
                Detail(output, "registered by an earlier run (the hub's state is kept in the folder)");
            }
        }

        Step(output, 5, $"running the module (fake sensor, {count} readings, alert above {Threshold} °C); as the hub receives them:");
        var store = hub.Services.GetRequiredService<MessageStore>();
        var outbox = Path.GetFullPath(Path.Combine(folder, "outbox"));
        if (Directory.Exists(outbox))
        {
            Directory.Delete(outbox, recursive: true); // each demo starts from reading 0
        }

        using var deadline = new CancellationTokenSource(Patience);
        var port = transport switch
        {
            "Amqp" => amqpPort,
            "MqttWebSocket" or "AmqpWebSocket" => webSocketPort,
            _ => mqttPort,
        };
        var settings = ModuleSettings(pki, transport, port, count, seed, outbox);
        if (provisioning)
        {
            ProvisioningDemo.UseProvisioning(settings, hub.Services, provisioningPort, pki.ServerCaPem);
        }

        using var module = ModuleLauncher.Run(moduleAssembly, settings, output);
        var moduleRun = module.WaitForExitAsync(deadline.Token);
        IReadOnlyList<ReceivedMessage> received = [];
        try
        {
            for (var i = 1; i <= count; i++)
            {
                received = await store.WaitForAsync(DeviceId, i, deadline.Token);
                Detail(output, received[i - 1].ToDisplayLine());
            }

            await moduleRun.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            output.WriteLine($"FAILED: the hub received {store.For(DeviceId).Count} of {count} messages within {Patience.TotalSeconds} s; see the lines above.");
            module.Kill();
            return ExitCodes.Failed;
        }

        Step(output, 6, "summary");
        var alerts = received.Count(m => m.TemperatureAlert == true);
        var decoded = received.Count(m => m.Reading is not null && m.TemperatureAlert == (m.Reading.Temperature > Threshold));
        Detail(output, $"{received.Count} messages from '{DeviceId}', {alerts} with temperatureAlert=true; {decoded} of {received.Count} decoded with the alert matching the temperature");
        Detail(output, $"JSON lines: {Path.GetFullPath(messagesFile)}");
        Detail(output, $"done in {clock.Elapsed.TotalSeconds:0.0} s");
        await hub.StopAsync();
        return decoded == count ? ExitCodes.Ok : ExitCodes.Failed;
    }

    static Dictionary<string, string?> ModuleSettings(LabPki pki, string transport, int port, int count, int seed, string outbox) => new()
    {
        ["Device__Id"] = DeviceId,
        ["Device__Transport"] = transport,
        ["Device__HostName"] = "localhost",
        ["Device__Port"] = Invariant(port),
        ["Device__CertificatePath"] = Path.GetFullPath(pki.DevicePfx),
        ["Device__CertificatePassword"] = LabPki.PfxPassword,
        ["Device__TrustBundlePath"] = Path.GetFullPath(pki.ServerCaPem),
        ["Sensor__Type"] = "Fake",
        ["Sensor__Seed"] = Invariant(seed),
        ["Telemetry__Interval"] = "00:00:00.300",
        ["Telemetry__MessageCount"] = Invariant(count),
        ["Alert__TemperatureThreshold"] = Invariant(Threshold),
        ["Outbox__Path"] = outbox,
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__EdgeSensorModule.HubConnection.MqttHubClient"] = "Error", // its own clean disconnect at the end logs a warning
        ["Logging__LogLevel__EdgeSensorModule.HubConnection.Amqp.AmqpHubClient"] = "Error",
        ["DOTNET_ENVIRONMENT"] = "Production",
    };

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    static void Step(TextWriter output, int step, string text) => output.WriteLine($"[{step}/6] {text}");

    static void Detail(TextWriter output, string text) => output.WriteLine($"      {text}");
}
