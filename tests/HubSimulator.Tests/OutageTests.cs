using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HubSimulator.Demo;
using HubSimulator.Registry;
using IotHub.Protocol;
using TestInfrastructure;
using Xunit.Abstractions;

namespace HubSimulator.Tests;

/// <summary>
/// The module over AMQP, MQTT over WebSocket and AMQP over WebSocket against the simulator as a process that is
/// SIGKILLed and restarted, while the module itself is SIGKILLed once: every messageId arrives, and copies of one
/// reading are byte-identical. The simulator writes each message to its JSON lines file before it acknowledges it
/// (Accepted, PUBACK), so the file holds exactly what was acknowledged, across every incarnation (mosquitto, the MQTT
/// tests' hub, speaks neither AMQP nor IoT Hub's WebSocket path; MQTT over TLS has its own outage tests against it).
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed partial class OutageTests(ITestOutputHelper output) : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Readings per module run: enough to be sending through each hub crash, few enough to keep CI short.</summary>
    const int PerRun = 400;

    readonly TestPki pki = new();

    /// <summary>The transports whose outages only the simulator can stage (<c>Device__Transport</c>), with the simulator setting of their port.</summary>
    public static TheoryData<string, string> Transports => new()
    {
        { "Amqp", "Simulator__AmqpPort" },
        { "MqttWebSocket", "Simulator__WebSocketPort" },
        { "AmqpWebSocket", "Simulator__WebSocketPort" },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Module_HubKilledTwiceAndModuleSigkilled_DeliversEveryMessageIdWithIdenticalDuplicates(string transport, string portSetting)
    {
        var device = $"outage-device-{transport}".ToLowerInvariant();
        var data = Path.Combine(pki.Folder, "hub");
        var settings = SimulatorProcess.Settings(data);
        settings["Simulator__WebSocketPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        settings["Simulator__ServerCertificatePath"] = pki.ServerCertificatePem;
        settings["Simulator__ServerKeyPath"] = pki.ServerKeyPem;
        var registry = new DeviceRegistry(Path.Combine(data, "state.json")); // saved to the file the simulator loads
        ProofOfPossession.RegisterAndVerify(registry, "test-root", pki.RootCa, _ => { });
        registry.AddDevice(device, DeviceAuthentication.CaSigned);
        var messages = Path.Combine(data, "messages.jsonl");
        var port = int.Parse(settings[portSetting]!, CultureInfo.InvariantCulture);
        var environment = ModuleEnvironment.ForPfx(pki, pki.IssueDevice(device), device, port, PerRun);
        environment["Device__Transport"] = transport;
        environment["Telemetry__Interval"] = "00:00:00.005";

        var hub = await SimulatorProcess.StartAsync(settings);
        try
        {
            // Run 1: the hub is killed while readings flow and comes back; then the module is SIGKILLed.
            var first = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
            await using (first)
            {
                await WaitForMessagesAsync(messages, PerRun / 6);
                hub = await KillAndRestartAsync(hub, settings);
                await WaitForMessagesAsync(messages, PerRun * 5 / 12);
                first.Kill();
            }

            // Run 2: sends what run 1 left, with one more hub crash.
            await using var second = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
            var opened = await second.WaitForLineAsync(l => l.Contains("readings pending from earlier runs", StringComparison.Ordinal), Patience);
            await WaitForMessagesAsync(messages, PerRun * 3 / 4);
            hub = await KillAndRestartAsync(hub, settings);
            Assert.True(await second.WaitForExitAsync(Patience) == 0, second.Output);

            var next = long.Parse(OpenedLine().Match(opened).Groups[1].Value, CultureInfo.InvariantCulture);
            var skipped = second.Lines.Select(l => SkippedLine().Match(l)).Where(m => m.Success)
                .SelectMany(m => Range(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
                .ToHashSet();
            var received = Read(messages).Where(m => m.DeviceId == device).ToList();
            var byId = received.GroupBy(m => m.ReadingId).ToDictionary(g => g.Key, g => g.ToList());
            var expected = Range(0, next + PerRun - 1).Where(id => !skipped.Contains(id)).ToList();
            var missing = expected.Where(id => !byId.ContainsKey(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Count} messageIds never arrived: {string.Join(",", missing.Take(50))}");
            Assert.Equal(expected.Count, byId.Count);
            foreach (var (id, copies) in byId)
            {
                Assert.True(copies.Select(c => c.Body).Distinct().Count() == 1, $"messageId {id} arrived with different bodies");
                Assert.True(copies.Select(c => c.Mid).Distinct().Count() == 1, $"messageId {id} arrived with different $.mid");
            }

            output.WriteLine($"{transport}: {byId.Count} readings, {received.Count - byId.Count} duplicates, next messageId after the SIGKILL {next}, {skipped.Count} skipped");
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    static async Task<SimulatorProcess> KillAndRestartAsync(SimulatorProcess hub, Dictionary<string, string?> settings)
    {
        hub.Process.Kill();
        await hub.DisposeAsync();
        return await SimulatorProcess.StartAsync(settings);
    }

    static async Task WaitForMessagesAsync(string file, int count)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (Lines(file).Count < count)
        {
            await Task.Delay(50, deadline.Token); // polls the hub's file: the condition, not the delay, ends the wait
        }
    }

    static List<string> Lines(string file)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Where(l => l.EndsWith('}'))]; // a line being written is not complete yet
    }

    static IEnumerable<Received> Read(string file) => Lines(file).Select(line =>
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new Received(
            root.GetProperty("DeviceId").GetString()!,
            root.GetProperty("Reading").GetProperty("messageId").GetInt64(),
            root.GetProperty("SystemProperties").GetProperty(SystemProperties.MessageId).GetString()!,
            root.GetProperty("Body").GetString()!);
    });

    static IEnumerable<long> Range(long first, long last)
    {
        for (var id = first; id <= last; id++)
        {
            yield return id;
        }
    }

    sealed record Received(string DeviceId, long ReadingId, string Mid, string Body);

    [GeneratedRegex(@"messageIds (\d+) to (\d+) were reserved by a run that ended without closing the outbox")]
    private static partial Regex SkippedLine();

    [GeneratedRegex(@"readings pending from earlier runs, next messageId (\d+)")]
    private static partial Regex OpenedLine();

    public void Dispose() => pki.Dispose();
}
