using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Fleet;
using IotHub.Certificates;

// Fleet-scale load on the simulator (issue 16 item 5): bench/Fleet [devices] [seconds] [parallel handshakes]
// [simulator settings...], e.g. `1000 120 32 --Simulator:MessagesFile - --Logging:LogLevel:Default Warning`.
// Loopback only; bounded by the device count and the duration given.
var devices = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 120;
var parallel = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
if (devices is < 1 or > 5000 || seconds is < 10 or > 1800)
{
    Console.Error.WriteLine("usage: Fleet [devices 1-5000] [seconds 10-1800] [parallel handshakes]");
    return 2;
}

var repository = Repository.Root();
var configuration = AppContext.BaseDirectory.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
var simulatorDll = Path.Combine(repository, "modules/HubSimulator/bin", configuration, "net10.0/HubSimulator.dll");
var folder = Directory.CreateTempSubdirectory("fleet-").FullName;
try
{
    await using var simulator = await SimulatorProcess.StartAsync(simulatorDll, Path.Combine(folder, "hub"), args.Skip(3));
    using var admin = new HttpClient { BaseAddress = simulator.AdminUri };
    var idle = new Sample(TimeSpan.Zero, simulator.CpuTime, simulator.RssMegabytes);

    // One CA, verified by proof of possession; N devices registered as CA signed, each with its own certificate.
    var spec = new CertificateSpec(TimeSpan.FromDays(1), KeyType.EcdsaP256);
    using var root = CertificateFactory.CreateRootCa("Fleet Root CA", spec);
    (await admin.PostAsJsonAsync("/cas", new { name = "fleet-root", certificatePem = CertificateExport.ToPem(root) })).EnsureSuccessStatusCode();
    var code = (await (await admin.PostAsync("/cas/fleet-root/verification-code", null)).Content.ReadFromJsonAsync<JsonObject>())!["verificationCode"]!.GetValue<string>();
    using var proof = CertificateFactory.CreateVerification(root, code);
    (await admin.PostAsJsonAsync("/cas/fleet-root/verify", new { certificatePem = CertificateExport.ToPem(proof) })).EnsureSuccessStatusCode();
    var identities = new List<(string Id, X509Certificate2 Certificate)>();
    for (var i = 0; i < devices; i++)
    {
        var id = $"fleet-{i:0000}";
        (await admin.PostAsJsonAsync("/devices", new { deviceId = id, authentication = "CaSigned" })).EnsureSuccessStatusCode();
        identities.Add((id, CertificateFactory.CreateDevice(root, id, spec)));
    }

    using var serverCa = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(simulator.DataFolder, "server-ca.pem")));
    await using var fleet = new DeviceFleet(simulator.MqttPort, serverCa);
    var beforeConnect = new Sample(TimeSpan.Zero, simulator.CpuTime, simulator.RssMegabytes);
    var clock = Stopwatch.StartNew();
    await fleet.ConnectAsync(identities, parallel);
    var connectTime = clock.Elapsed;
    var afterConnect = new Sample(connectTime, simulator.CpuTime, simulator.RssMegabytes);
    Console.WriteLine($"connected {fleet.Connected}/{devices} devices in {connectTime.TotalSeconds:0.0} s ({parallel} handshakes at a time; simulator CPU {afterConnect.CpuPercentSince(beforeConnect):0} % of one core); refused {fleet.Refused.Count}");
    foreach (var refusal in fleet.Refused.Take(5))
    {
        Console.WriteLine($"  refused {refusal}");
    }

    // Steady state: every device one message a second; the simulator sampled every 10 s.
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var sending = fleet.SendAsync(stop.Token);
    var samples = new List<Sample> { afterConnect with { At = TimeSpan.Zero } };
    clock.Restart();
    using var tick = new PeriodicTimer(TimeSpan.FromSeconds(10));
    while (await tick.WaitForNextTickAsync() && clock.Elapsed < TimeSpan.FromSeconds(seconds + 1))
    {
        var sample = new Sample(clock.Elapsed, simulator.CpuTime, simulator.RssMegabytes);
        var previous = samples[^1];
        samples.Add(sample);
        Console.WriteLine($"{sample.At.TotalSeconds,5:0} s  CPU {sample.CpuPercentSince(previous),5:0.0} % of one core  RSS {sample.RssMegabytes,6:0.0} MB  acknowledged {fleet.Acknowledged}  failed {fleet.Failed}");
    }

    await sending;
    var received = (await admin.GetFromJsonAsync<JsonObject>("/dashboard/summary"))!["messageCount"]!.GetValue<long>();
    var steady = samples[^1];
    Console.WriteLine();
    Console.WriteLine($"| devices connected | refused | messages acknowledged | failed | received by the hub | connect phase | CPU steady (% of one core) | RSS idle | RSS connected | RSS end |");
    Console.WriteLine($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {fleet.Connected} | {fleet.Refused.Count} | {fleet.Acknowledged} | {fleet.Failed} | {received} | {connectTime.TotalSeconds:0.0} s | {steady.CpuPercentSince(samples[0]):0.0} | {idle.RssMegabytes:0} MB | {afterConnect.RssMegabytes:0} MB | {steady.RssMegabytes:0} MB |"));

    // A second instance on the same data folder (as a restarted or scaled-out simulator) loads the registry the
    // first one saved and must accept every device the first accepted.
    await using var second = await SimulatorProcess.StartAsync(simulatorDll, simulator.DataFolder, args.Skip(3));
    await using var again = new DeviceFleet(second.MqttPort, serverCa);
    await again.ConnectAsync(identities, parallel);
    Console.WriteLine($"second instance on the same data folder: connected {again.Connected}/{devices}; refused {again.Refused.Count}");
    foreach (var refusal in again.Refused.Take(5))
    {
        Console.WriteLine($"  refused {refusal}");
    }

    foreach (var (_, certificate) in identities)
    {
        certificate.Dispose();
    }

    return fleet.Refused.Count == 0 && fleet.Failed == 0 && received == fleet.Acknowledged && again.Refused.Count == 0 ? 0 : 1;
}
finally
{
    Directory.Delete(folder, recursive: true);
}

/// <summary>The simulator's CPU time and resident memory at a moment of the run.</summary>
sealed record Sample(TimeSpan At, TimeSpan Cpu, double RssMegabytes)
{
    public double CpuPercentSince(Sample earlier) => (Cpu - earlier.Cpu).TotalSeconds / Math.Max(0.001, (At - earlier.At).TotalSeconds) * 100;
}

/// <summary>Finds the repository root (the folder with EdgeSensorModule.sln).</summary>
static class Repository
{
    public static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EdgeSensorModule.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("run the tool from inside the repository (EdgeSensorModule.sln not found above it)");
    }
}
