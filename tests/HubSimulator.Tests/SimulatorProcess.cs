using System.Globalization;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// The simulator as a user starts it (<c>dotnet HubSimulator.dll run</c>) with its own data folder and free ports,
/// configured through <c>Simulator__*</c> variables; for what only a process shows: start-up refusals, exit codes,
/// what it binds, restarts.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    SimulatorProcess(ModuleProcess process, Dictionary<string, string?> environment)
    {
        Process = process;
        Environment = environment;
    }

    /// <summary>The running process and its output.</summary>
    public ModuleProcess Process { get; }

    /// <summary>The settings it was started with.</summary>
    public Dictionary<string, string?> Environment { get; }

    /// <summary>Its admin API on 127.0.0.1.</summary>
    public Uri AdminUri => new($"http://127.0.0.1:{Environment["Simulator__AdminPort"]}");

    /// <summary>Its MQTT port.</summary>
    public int MqttPort => int.Parse(Environment["Simulator__MqttPort"]!, CultureInfo.InvariantCulture);

    /// <summary>Its AMQP port.</summary>
    public int AmqpPort => int.Parse(Environment["Simulator__AmqpPort"]!, CultureInfo.InvariantCulture);

    /// <summary>Settings for a simulator on free loopback ports with <paramref name="dataFolder"/>.</summary>
    public static Dictionary<string, string?> Settings(string dataFolder) => new()
    {
        ["Simulator__MqttPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Simulator__AmqpPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Simulator__AdminPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Simulator__DataFolder"] = dataFolder,
    };

    /// <summary>Starts it and waits until it says it listens.</summary>
    public static async Task<SimulatorProcess> StartAsync(Dictionary<string, string?> environment)
    {
        var process = ModuleProcess.Start(Peers.SimulatorAssembly, environment, "run");
        var simulator = new SimulatorProcess(process, environment);
        try
        {
            await process.WaitForLineAsync(l => l.Contains("MQTT over TLS listening on", StringComparison.Ordinal), Patience);
            await FreePort.WaitUntilListeningAsync(simulator.AdminUri.Port, Patience, () => process.Output); // Kestrel starts after the MQTT endpoint
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }

        return simulator;
    }

    /// <summary>Runs it expecting a start-up refusal; returns the exit code and output.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Lines)> RefusedAsync(Dictionary<string, string?> environment, params string[] arguments)
    {
        await using var process = ModuleProcess.Start(Peers.SimulatorAssembly, environment, ["run", .. arguments]);
        var exitCode = await process.WaitForExitAsync(Patience);
        return (exitCode, process.Lines.Where(l => l.Length > 0).ToList());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Process.Terminate();
        await Process.WaitForExitAsync(Patience);
        await Process.DisposeAsync();
    }
}
