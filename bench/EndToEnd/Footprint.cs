using System.Diagnostics;
using System.Globalization;
using TestInfrastructure;

namespace EndToEnd;

/// <summary>
/// Runs one module for a while and samples its resident set (VmRSS) every few seconds, with how many readings the
/// subscriber has received by then: the steady-state footprint at one reading per second, and growth over a long run.
/// </summary>
internal static class Footprint
{
    public static async Task RunAsync(Contender contender, Subscriber subscriber, TimeSpan duration, TimeSpan every, string output)
    {
        subscriber.Drain();
        var start = contender.StartInfo();
        await using var samples = new StreamWriter(output) { AutoFlush = true };
        await samples.WriteLineAsync("# seconds rss_mb received");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{contender.Name} did not start.");
        var logs = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        long received = 0;
        while (clock.Elapsed < duration && !process.HasExited)
        {
            await Task.Delay(every);
            received += subscriber.Drain();
            var rss = ResidentMegabytes(process.Id);
            if (rss is null)
            {
                break;
            }

            var line = string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0} {rss:0.0} {received}");
            await samples.WriteLineAsync(line);
            Console.WriteLine(line);
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        await logs;
        received += subscriber.Drain();
        var end = string.Create(CultureInfo.InvariantCulture, $"# after {clock.Elapsed.TotalSeconds:0} s: exit code {process.ExitCode}, {received} received");
        await samples.WriteLineAsync(end);
        Console.WriteLine(end);
    }

    static double? ResidentMegabytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
