using System.Diagnostics;
using System.Globalization;
using TestInfrastructure;

namespace EndToEnd;

/// <summary>
/// A backlog after an outage: the module takes <c>n</c> readings with no hub to reach (they wait in its outbox), is
/// stopped, then started against the broker, where it delivers the backlog plus one new reading and exits. The second
/// run is measured like any contender (peak RSS, msg/s): what a module does when the network comes back after a day.
/// </summary>
internal static class Backlog
{
    public static async Task<RunResult> RunAsync(Contender module, ITelemetrySink sink, int count)
    {
        // Room for the backlog and the one new reading, so the outbox limits drop nothing.
        module = module with { Environment = new Dictionary<string, string?>(module.Environment) { ["Outbox__MaxMessages"] = (count + 1).ToString(CultureInfo.InvariantCulture) } };
        var offline = new Dictionary<string, string?>(module.Environment)
        {
            ["Device__Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture), // nothing listens: connection refused, retried
            ["Telemetry__MessageCount"] = count.ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__EdgeSensorModule.Sampling"] = "Information",
        };
        var start = (module with { Environment = offline }).StartInfo();
        using (var filling = Process.Start(start) ?? throw new InvalidOperationException($"{module.Name} did not start."))
        {
            _ = filling.StandardError.ReadToEndAsync();
            string? line;
            while ((line = await filling.StandardOutput.ReadLineAsync()) is not null && !line.Contains($"Took {count} readings", StringComparison.Ordinal))
            {
            }

            Process.Start("kill", ["-TERM", filling.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            await filling.WaitForExitAsync();
            if (line is null || filling.ExitCode != 0)
            {
                throw new InvalidOperationException($"{module.Name} did not fill its outbox with {count} readings (exit code {filling.ExitCode}).");
            }
        }

        var online = new Dictionary<string, string?>(module.Environment) { ["Telemetry__MessageCount"] = "1" };
        return await Runner.RunAsync(module with { Name = $"{module.Name}, {count} backlog", Environment = online }, sink, count + 1, TimeSpan.FromMinutes(2));
    }
}
