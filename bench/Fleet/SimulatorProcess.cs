using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Fleet;

/// <summary>The simulator as its own process on free loopback ports; its CPU and resident memory read from /proc.</summary>
sealed class SimulatorProcess : IAsyncDisposable
{
    readonly Process process;

    SimulatorProcess(Process process, int mqttPort, int adminPort, string dataFolder)
    {
        this.process = process;
        MqttPort = mqttPort;
        AdminUri = new Uri($"http://127.0.0.1:{adminPort}");
        DataFolder = dataFolder;
    }

    public int MqttPort { get; }

    public Uri AdminUri { get; }

    public string DataFolder { get; }

    /// <summary>
    /// Starts <c>HubSimulator.dll run</c> with its data in <paramref name="dataFolder"/> and <paramref name="settings"/>
    /// (<c>--Simulator:MessagesFile -</c>, ...), and waits for the admin port.
    /// </summary>
    public static async Task<SimulatorProcess> StartAsync(string simulatorDll, string dataFolder, IEnumerable<string> settings)
    {
        int mqttPort = FreePort(), adminPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                simulatorDll, "run",
                "--Simulator:MqttPort", mqttPort.ToString(CultureInfo.InvariantCulture),
                "--Simulator:AmqpPort", "0",
                "--Simulator:AdminPort", adminPort.ToString(CultureInfo.InvariantCulture),
                "--Simulator:DataFolder", dataFolder,
            },
        };
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the simulator");
        // Its log (a line per message) is read and dropped, as a terminal or `docker logs` would take it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"simulator: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                await http.GetAsync(new Uri($"http://127.0.0.1:{adminPort}/devices"));
                return new SimulatorProcess(process, mqttPort, adminPort, dataFolder);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("the simulator's admin port did not open within 20 s");
    }

    /// <summary>User + system CPU time of the process so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>Resident set size, MB (VmRSS).</summary>
    public double RssMegabytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
