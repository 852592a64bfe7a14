using System.Globalization;
using EndToEnd;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;

// Usage: dotnet bench/EndToEnd/bin/Release/net10.0/EndToEnd.dll <repo root> <results folder> [count] [aot binary] [trimmed ReadyToRun binary]
//        (MQTT contenders against mosquitto; the AMQP ones against the simulator's AMQP endpoint, started when one is chosen)
//        ... <repo root> <results folder> --footprint <module binary> <interval> <count> <minutes> <output file>
//        (one module alone, VmRSS sampled every 10 s; e.g. 00:00:01 1000000 10 for the steady state, 00:00:00 for growth)
//        ... <repo root> <results folder> --backlog <module binary> <count>
//        (count readings taken offline, then delivered after a restart: peak RSS and msg/s of the drain)
var root = Path.GetFullPath(args.Length > 0 ? args[0] : ".");
var results = Path.GetFullPath(args.Length > 1 ? args[1] : Path.Combine(root, "bench", "results"));
var footprint = args.Length > 2 && args[2] == "--footprint";
var backlog = args.Length > 2 && args[2] == "--backlog";
var count = footprint || backlog ? 0 : args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5000;
var aot = !footprint && args.Length > 3 ? args[3] : null;
var container = !footprint && args.Length > 4 ? args[4] : null;
const int WarmUp = 200;
const string AmqpModuleId = "bench-module-amqp";
const int SimulatorWarmUp = 5000;
// The warm-up's readings over this many runs, each a connection: code the simulator runs once per connection or per
// request (the TLS handshake, link attach, the count's HTTP request) then passes the JIT's 30-call threshold before the
// rounds instead of being recompiled during them.
const int SimulatorWarmUpRuns = 35;
// A minute, or 200 msg/s for larger counts: the slowest contenders (the Node SDK at 1 in flight) under load.
var timeout = TimeSpan.FromSeconds(Math.Max(60, count / 200.0));
Directory.CreateDirectory(results);

using var pki = new TestPki(IotHub.Certificates.KeyType.EcdsaP256);
// The module asks for its twin at every connect: the $iothub/ topics are open (never answered) so that costs no reconnect.
await using var broker = await MosquittoBroker.StartAsync(pki, logPackets: Environment.GetEnvironmentVariable("BENCH_BROKER_LOG") == "all", openIotHubTopics: true);
await using var subscriber = await Subscriber.StartAsync(pki, broker.Port);
var port = broker.Port.ToString(CultureInfo.InvariantCulture);
Console.WriteLine($"broker on 127.0.0.1:{port}; {count} messages per contender; TLS, X.509 client certificates, QoS 1");

if (footprint)
{
    var module = Module("EdgeSensorModule", args[3], [], int.Parse(args[5], CultureInfo.InvariantCulture));
    var environment = new Dictionary<string, string?>(module.Environment)
    {
        ["Telemetry__Interval"] = args[4],
    };
    await Footprint.RunAsync(module with { Environment = environment }, subscriber, TimeSpan.FromMinutes(double.Parse(args[6], CultureInfo.InvariantCulture)),
        TimeSpan.FromSeconds(10), Path.GetFullPath(args[7]));
    return 0;
}

if (backlog)
{
    var result = await Backlog.RunAsync(Module("EdgeSensorModule", args[3], [], 0), new MqttSink(broker, subscriber), int.Parse(args[4], CultureInfo.InvariantCulture));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{result.Name}: {result.Messages} delivered at {result.Throughput:0} msg/s, peak RSS {result.PeakRssMegabytes:0.0} MB, {result.CpuMicrosecondsPerMessage:0} us CPU/msg"));
    return 0;
}

var moduleDll = Path.Combine(root, "modules", "EdgeSensorModule", "bin", "Release", "net10.0", "EdgeSensorModule.dll");
// Each contender by name and transport, and how to make its run of n readings. MQTT contenders send to mosquitto;
// AMQP ones to the simulator's AMQP endpoint (its port is known once it runs, hence the port argument).
var contenders = new List<(string Name, string Transport, Func<string, int, int, Contender> Create)>
{
    ("EdgeSensorModule (JIT)", "MQTT", (name, n, _) => Module(name, "dotnet", [moduleDll], n)),
};
if (container is not null && File.Exists(container))
{
    // What the arm32v7 image runs: self-contained, trimmed, ReadyToRun (modules/EdgeSensorModule/Dockerfile.arm32v7).
    contenders.Add(("EdgeSensorModule (trimmed R2R, arm32v7 image)", "MQTT", (name, n, _) => Module(name, container, [], n)));
}

if (aot is not null && File.Exists(aot))
{
    // What the amd64 and arm64v8 images run (Dockerfile.amd64, Dockerfile.arm64v8).
    contenders.Add(("EdgeSensorModule (Native AOT, amd64/arm64v8 images)", "MQTT", (name, n, _) => Module(name, aot, [], n)));
}

contenders.Add(("Node.js SDK, 1 in flight", "MQTT", (name, n, _) => NodeSdk(name, "Mqtt", port, 1, n)));
contenders.Add(("Node.js SDK, 100 in flight", "MQTT", (name, n, _) => NodeSdk(name, "Mqtt", port, 100, n)));
contenders.Add(("mosquitto_pub -l (C)", "MQTT", (name, n, _) => MosquittoPub(name, n)));
if (aot is not null && File.Exists(aot))
{
    contenders.Add(("EdgeSensorModule (Native AOT), AMQP", "AMQP", (name, n, amqpPort) => AmqpModule(name, aot, n, amqpPort)));
}

contenders.Add(("Node.js SDK (AMQP), 1 in flight", "AMQP", (name, n, amqpPort) => NodeSdk(name, "Amqp", amqpPort.ToString(CultureInfo.InvariantCulture), 1, n)));
contenders.Add(("Node.js SDK (AMQP), 100 in flight", "AMQP", (name, n, amqpPort) => NodeSdk(name, "Amqp", amqpPort.ToString(CultureInfo.InvariantCulture), 100, n)));

// Experiments: BENCH_ONLY="AOT;mosquitto" runs only the contenders whose names contain one of these.
var only = (Environment.GetEnvironmentVariable("BENCH_ONLY") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
var chosen = contenders.Where(c => only.Length == 0 || only.Any(o => c.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToList();

// The simulator only when an AMQP contender runs; every device that may send to it registered as CA signed.
var mqtt = new MqttSink(broker, subscriber);
await using var amqpHub = chosen.Any(c => c.Transport == "AMQP")
    ? await AmqpHub.StartAsync(Path.Combine(root, "modules", "HubSimulator", "bin", "Release", "net10.0", "HubSimulator.dll"), pki,
        [AmqpModuleId, NodeDeviceId("Amqp", 1), NodeDeviceId("Amqp", 100)])
    : null;
if (amqpHub is not null)
{
    // The simulator runs on the JIT: untimed runs first, so that no AMQP contender's round meets it cold.
    Console.WriteLine($"simulator (AMQP) on 127.0.0.1:{amqpHub.AmqpPort}; warming it up with {SimulatorWarmUp} readings over {SimulatorWarmUpRuns} connections");
    var first = chosen.First(c => c.Transport == "AMQP");
    for (var run = 0; run < SimulatorWarmUpRuns; run++)
    {
        await Runner.RunAsync(first.Create(first.Name, SimulatorWarmUp / SimulatorWarmUpRuns, amqpHub.AmqpPort), amqpHub, SimulatorWarmUp / SimulatorWarmUpRuns, timeout);
    }
}

// Rounds: every contender once per round, so a burst of load elsewhere on the machine hits all of them alike; the
// table shows each contender's median round.
var rounds = int.Parse(Environment.GetEnvironmentVariable("BENCH_ROUNDS") ?? "3", CultureInfo.InvariantCulture);
var measured = chosen.Select(_ => new List<RunResult>()).ToList();
for (var round = 1; round <= rounds; round++)
{
    for (var i = 0; i < chosen.Count; i++)
    {
        ITelemetrySink sink = chosen[i].Transport == "AMQP" ? amqpHub! : mqtt;
        var amqpPort = amqpHub?.AmqpPort ?? 0;
        await Runner.RunAsync(chosen[i].Create(chosen[i].Name, WarmUp, amqpPort), sink, WarmUp, timeout); // disk cache, first-run costs
        var result = await Runner.RunAsync(chosen[i].Create(chosen[i].Name, count, amqpPort), sink, count, timeout);
        measured[i].Add(result);
        Console.WriteLine(
            $"round {round}: {result.Name}: {result.Throughput:0} msg/s, {result.CpuMicrosecondsPerMessage:0} us CPU/msg, {result.PeakRssMegabytes:0.0} MB peak RSS, first message after {result.FirstMessageSeconds * 1000:0} ms; server {result.BrokerMicrosecondsPerMessage:0} us/msg, subscriber {result.SubscriberMicrosecondsPerMessage:0} us/msg");
    }
}

Report.Write(results, count, measured);
return 0;

Contender Module(string name, string fileName, string[] arguments, int n, string deviceId = "bench-module")
{
    var device = pki.IssueDevice(deviceId);
    var environment = new Dictionary<string, string?>
    {
        ["Device__Id"] = deviceId,
        ["Device__HostName"] = "localhost",
        ["Device__Port"] = port,
        ["Device__CertificatePath"] = device.FullChainPem,
        ["Device__PrivateKeyPath"] = device.KeyPem,
        ["Device__TrustBundlePath"] = pki.ServerCaPem,
        ["Sensor__Type"] = "Fake",
        ["Sensor__Seed"] = "1",
        ["Telemetry__Interval"] = "00:00:00",
        ["Telemetry__MessageCount"] = n.ToString(CultureInfo.InvariantCulture),
        ["Telemetry__MaxInFlight"] = "100",
        ["Outbox__Path"] = Path.Combine(pki.Folder, $"outbox-{Guid.NewGuid():N}"), // fresh: no readings left by an earlier run
        ["Logging__LogLevel__Default"] = "Warning",
    };

    // Experiments: BENCH_MODULE_SETTINGS="Outbox__FlushEachReading=false;Telemetry__MaxInFlight=500" overrides these.
    foreach (var setting in (Environment.GetEnvironmentVariable("BENCH_MODULE_SETTINGS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
    {
        var (key, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        environment[key] = value;
    }

    return new Contender(name, fileName, arguments, environment);
}

// The module as the AMQP contender: the same pipeline and settings, Device__Transport=Amqp to the simulator.
Contender AmqpModule(string name, string fileName, int n, int amqpPort)
{
    var module = Module(name, fileName, [], n, AmqpModuleId);
    var environment = new Dictionary<string, string?>(module.Environment)
    {
        ["Device__Transport"] = "Amqp",
        ["Device__Port"] = amqpPort.ToString(CultureInfo.InvariantCulture),
    };
    return module with { Environment = environment };
}

// The official Node.js SDK (send-many.js) over "Mqtt" or "Amqp": each sendEvent completes on the PUBACK or on the
// hub's Accepted disposition, and inFlight of them are outstanding at a time.
Contender NodeSdk(string name, string transport, string serverPort, int inFlight, int n)
{
    var id = NodeDeviceId(transport, inFlight);
    var device = pki.IssueDevice(id);
    return new Contender(name, "node",
        [Path.Combine(root, "tests", "HubSimulator.Tests", "node", "send-many.js"), $"localhost:{serverPort}", id, device.FullChainPem, device.KeyPem, pki.ServerCaPem,
            n.ToString(CultureInfo.InvariantCulture), inFlight.ToString(CultureInfo.InvariantCulture), transport],
        new Dictionary<string, string?>());
}

static string NodeDeviceId(string transport, int inFlight) => transport == "Amqp" ? $"bench-node-amqp-{inFlight}" : $"bench-node-{inFlight}";

Contender MosquittoPub(string name, int n)
{
    const string id = "bench-mosquitto-pub";
    var device = pki.IssueDevice(id);
    var lines = Path.Combine(pki.Folder, $"readings-{n}.jsonl");
    if (!File.Exists(lines)) // the same n readings every round
    {
        File.WriteAllLines(lines, Enumerable.Range(0, n).Select(i => string.Create(CultureInfo.InvariantCulture,
            $$"""{"deviceId":"{{id}}","messageId":{{i}},"temperature":{{20 + (i % 150 / 10.0)}},"humidity":{{60 + (i % 200 / 10.0)}},"timestamp":"2026-11-29T03:00:00Z"}""")));
    }

    // A fixed property bag: mosquitto_pub sends one topic for every line.
    var shape = new HubMessage("mosquitto-pub", null, TelemetryContract.ContentType, TelemetryContract.ContentEncoding,
        [new(TelemetryContract.TemperatureAlertProperty, "false")], ReadOnlyMemory<byte>.Empty);
    return new Contender(name, RequiredTool.Find("mosquitto_pub", "apt-get install -y mosquitto-clients"),
        ["-h", "localhost", "-p", port, "-q", "1", "-i", id, "--cafile", pki.ServerCaPem, "--cert", device.FullChainPem, "--key", device.KeyPem,
            "-t", MqttTelemetry.Topic(id, shape), "-l"],
        new Dictionary<string, string?>(), lines);
}
