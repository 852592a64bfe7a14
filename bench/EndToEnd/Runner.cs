using System.Diagnostics;
using System.Globalization;

namespace EndToEnd;

/// <summary>Runs a contender under GNU time while the sink counts its messages (mosquitto_sub at the broker, or the simulator).</summary>
internal static class Runner
{
    public static async Task<RunResult> RunAsync(Contender contender, ITelemetrySink sink, int count, TimeSpan timeout)
    {
        await sink.DrainAsync();
        var brokerCpu = sink.ServerProcessorTime;
        var subscriberCpu = sink.CounterProcessorTime;
        var timeFile = Path.GetTempFileName();
        var start = contender.StartInfo("/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{contender.Name} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (contender.StandardInputPath is not null)
        {
            await using (var input = File.OpenRead(contender.StandardInputPath))
            {
                await input.CopyToAsync(process.StandardInput.BaseStream);
            }

            process.StandardInput.Close();
        }

        using var exit = new CancellationTokenSource(timeout);
        var exitedAt = ExitedAtAsync(process, clock, exit.Token);
        TimeSpan firstAt;
        try
        {
            await sink.WaitForAsync(1, timeout);
            firstAt = clock.Elapsed;
            await sink.WaitForAsync(count - 1, timeout);
        }
        catch (TimeoutException ex)
        {
            var kept = sink.KeepLog();
            throw new TimeoutException($"{contender.Name} (exited: {process.HasExited}, code {(process.HasExited ? process.ExitCode : 0)}): {ex.Message} Server log: {kept}; its output: {(process.HasExited ? await errors + await output : "")}", ex);
        }

        // The sender is done when the broker has acknowledged its last message (every contender exits only then); the
        // subscriber sometimes sees the tail later (a stall on the broker's way out), which is not the sender's time.
        var lastAt = Min(clock.Elapsed, await exitedAt);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{contender.Name} exited with {process.ExitCode}: {await errors}{await output}");
        }

        brokerCpu = sink.ServerProcessorTime - brokerCpu;
        subscriberCpu = sink.CounterProcessorTime - subscriberCpu;
        var extra = await sink.DrainAsync();
        if (extra > 0)
        {
            throw new InvalidOperationException($"{contender.Name}: {extra} messages beyond the {count} sent (duplicates).");
        }

        var fields = (await File.ReadAllTextAsync(timeFile)).Trim().Split('\n')[^1].Split(' ');
        File.Delete(timeFile);
        double Field(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        return new RunResult(
            contender.Name,
            sink.Transport,
            count,
            Field(0),
            Field(1) + Field(2),
            Field(3) / 1024,
            firstAt.TotalSeconds,
            (lastAt - firstAt).TotalSeconds,
            brokerCpu.TotalSeconds,
            subscriberCpu.TotalSeconds);
    }

    static async Task<TimeSpan> ExitedAtAsync(Process process, Stopwatch clock, CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        return clock.Elapsed;
    }

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
