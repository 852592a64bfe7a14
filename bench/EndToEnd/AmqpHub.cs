using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using IotHub.Certificates;
using TestInfrastructure;

namespace EndToEnd;

/// <summary>
/// The project's IoT Hub simulator as the AMQP server (mosquitto speaks no AMQP): its own process
/// (<c>HubSimulator.dll run</c>, JIT) on free loopback ports, presenting the PKI's server certificate, with the PKI's root
/// CA verified by proof of possession and each contender's device registered as CA signed. It counts what it stores and
/// the harness asks it for the count (<see cref="StoredMessageCount"/>); its log is at Warning (no line per message)
/// and it keeps no messages file, so the counting costs neither process a line per message.
/// </summary>
internal sealed class AmqpHub : ITelemetrySink, IAsyncDisposable
{
    /// <summary>
    /// The runtime settings that keep the simulator's JIT out of the measured rounds: tier-up as soon as a method is hot
    /// (no 100 ms call-counting delay, which a busy server keeps extending) and no instrumented tier for dynamic PGO,
    /// so the warm-up run leaves it compiled.
    /// </summary>
    static readonly Dictionary<string, string> JitSettings = new()
    {
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
    };

    readonly Process process;
    readonly Uri admin;
    readonly StringBuilder log = new();
    readonly StoredMessageCount stored;
    readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    AmqpHub(Process process, int amqpPort, int adminPort)
    {
        this.process = process;
        AmqpPort = amqpPort;
        admin = new Uri($"http://127.0.0.1:{adminPort}");
        stored = new StoredMessageCount(admin);
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
    }

    /// <summary>The AMQP over TLS port devices connect to (<c>Simulator__AmqpPort</c>).</summary>
    public int AmqpPort { get; }

    public string Transport => "AMQP";

    public TimeSpan ServerProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>The harness's own CPU (it counts, by asking the simulator), which the contender's run also takes from the machine.</summary>
    public TimeSpan CounterProcessorTime => Environment.CpuUsage.TotalTime;

    /// <summary>Starts the simulator, waits until it listens, verifies the PKI's root CA and registers <paramref name="deviceIds"/>.</summary>
    public static async Task<AmqpHub> StartAsync(string simulatorDll, TestPki pki, IEnumerable<string> deviceIds)
    {
        if (!File.Exists(simulatorDll))
        {
            throw new FileNotFoundException($"The simulator is not built: {simulatorDll}; run dotnet build bench/EndToEnd -c Release.");
        }

        int amqpPort = FreePort.Next(), adminPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                simulatorDll, "run",
                "--Simulator:MqttPort", FreePort.Next().ToString(CultureInfo.InvariantCulture),
                "--Simulator:AmqpPort", amqpPort.ToString(CultureInfo.InvariantCulture),
                "--Simulator:AdminPort", adminPort.ToString(CultureInfo.InvariantCulture),
                "--Simulator:DataFolder", Path.Combine(pki.Folder, "hub"),
                "--Simulator:ServerCertificatePath", pki.ServerCertificatePem,
                "--Simulator:ServerKeyPath", pki.ServerKeyPem,
                "--Simulator:MessagesFile", "-",
                "--Logging:LogLevel:Default", "Warning",
                "--Logging:LogLevel:HubSimulator.Broker.Amqp", "Information", // "AMQP over TLS listening on"
                "--Logging:LogLevel:HubSimulator.Broker.Amqp.AmqpDeviceLinks", "Warning", // no line per message
            },
        };
        foreach (var (name, value) in JitSettings)
        {
            start.Environment[name] = value;
        }

        // Experiments: BENCH_SIMULATOR_ENV="DOTNET_PerfMapEnabled=1;DOTNET_TieredPGO=1" sets (or overrides) its environment.
        foreach (var setting in (Environment.GetEnvironmentVariable("BENCH_SIMULATOR_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            start.Environment[setting[..setting.IndexOf('=', StringComparison.Ordinal)]] = setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        var hub = new AmqpHub(Process.Start(start) ?? throw new InvalidOperationException("The simulator did not start."), amqpPort, adminPort);
        try
        {
            hub.process.BeginOutputReadLine();
            hub.process.BeginErrorReadLine();
            await hub.listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await FreePort.WaitUntilListeningAsync(adminPort, TimeSpan.FromSeconds(30), () => hub.log.ToString()); // Kestrel starts after the device endpoints
            await hub.RegisterAsync(pki, deviceIds);
        }
        catch (Exception ex) when (ex is TimeoutException or HttpRequestException)
        {
            var output = hub.log.ToString();
            await hub.DisposeAsync();
            throw new InvalidOperationException($"The simulator did not come up: {ex.Message} Its output: {output}", ex);
        }

        return hub;
    }

    async Task RegisterAsync(TestPki pki, IEnumerable<string> deviceIds)
    {
        const string ca = "bench-root";
        using var http = new HttpClient { BaseAddress = admin };
        (await http.PostAsJsonAsync("/cas", new { name = ca, certificatePem = CertificateExport.ToPem(pki.RootCa) })).EnsureSuccessStatusCode();
        var code = (await (await http.PostAsync(new Uri($"/cas/{ca}/verification-code", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonObject>())!["verificationCode"]!.GetValue<string>();
        using var proof = CertificateFactory.CreateVerification(pki.RootCa, code);
        (await http.PostAsJsonAsync($"/cas/{ca}/verify", new { certificatePem = CertificateExport.ToPem(proof) })).EnsureSuccessStatusCode();
        foreach (var id in deviceIds)
        {
            (await http.PostAsJsonAsync("/devices", new { deviceId = id, authentication = "CaSigned" })).EnsureSuccessStatusCode();
        }
    }

    void OnLine(string? line)
    {
        if (line is null)
        {
            listening.TrySetException(new TimeoutException("The simulator exited before listening."));
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }

        if (line.Contains("AMQP over TLS listening on", StringComparison.Ordinal))
        {
            listening.TrySetResult();
        }
    }

    public Task WaitForAsync(int count, TimeSpan timeout) => stored.WaitForAsync(count, timeout);

    public Task<int> DrainAsync() => stored.DrainAsync();

    public string KeepLog()
    {
        var kept = Path.Combine(Path.GetTempPath(), $"bench-simulator-{DateTime.UtcNow:HHmmss}.log");
        lock (log)
        {
            File.WriteAllText(kept, log.ToString());
        }

        return kept;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
        stored.Dispose();
    }
}
