using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EndToEnd;

/// <summary>Writes the results: a Markdown table with ratios, the raw JSON, and a data file for the plot.</summary>
internal static class Report
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Below this many readings a run measures start-up more than sending.</summary>
    const int SmallCount = 5000;

    public static void Write(string folder, int count, IReadOnlyList<IReadOnlyList<RunResult>> rounds)
    {
        var results = rounds.Select(Median).ToList();
        var node = results.Where(r => r.Name.StartsWith("Node", StringComparison.Ordinal)).ToList();
        var nodeBest = node.Count > 0 ? node.Max(r => r.Throughput) : double.NaN;
        var nodePeakRss = node.Count > 0 ? node.Max(r => r.PeakRssMegabytes) : double.NaN;
        var nodeFirst = node.Count > 0 ? node.Min(r => r.FirstMessageSeconds) : double.NaN;
        var c = results.FirstOrDefault(r => r.Name.StartsWith("mosquitto_pub", StringComparison.Ordinal));

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{count} readings each, median of {rounds.Max(r => r.Count)} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, `{Environment.OSVersion}`.");
        if (count < SmallCount)
        {
            table.AppendLine();
            table.AppendLine(CultureInfo.InvariantCulture, $"**Warning:** {count} readings is under {SmallCount}: start-up (process, TLS handshake, JIT) dominates, so the ratios say more about start-up than about throughput.");
        }

        table.AppendLine();
        table.AppendLine("| contender | msg/s | msg/s range | × Node best | × mosquitto_pub | CPU µs/msg | peak RSS MB | first msg ms | wall s | broker µs/msg | subscriber µs/msg |");
        table.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (r, all) in results.Zip(rounds))
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Throughput:0} | {all.Min(a => a.Throughput):0}–{all.Max(a => a.Throughput):0} | {r.Throughput / nodeBest:0.00} | {(c is null ? double.NaN : r.Throughput / c.Throughput):0.00} | {r.CpuMicrosecondsPerMessage:0} | {r.PeakRssMegabytes:0.0} | {r.FirstMessageSeconds * 1000:0} | {r.WallSeconds:0.00} | {r.BrokerMicrosecondsPerMessage:0} | {r.SubscriberMicrosecondsPerMessage:0} |");
        }

        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"Node SDK best: {nodeBest:0} msg/s, peak RSS {nodePeakRss:0.0} MB, first message after {nodeFirst * 1000:0} ms.");
        File.WriteAllText(Path.Combine(folder, "end-to-end.md"), table.ToString());
        File.WriteAllText(Path.Combine(folder, "end-to-end.json"), JsonSerializer.Serialize(rounds, Indented));

        var data = new StringBuilder("# name throughput rss cpu_us first_ms\n");
        foreach (var r in results)
        {
            data.AppendLine(CultureInfo.InvariantCulture, $"\"{r.Name}\" {r.Throughput:0} {r.PeakRssMegabytes:0.0} {r.CpuMicrosecondsPerMessage:0} {r.FirstMessageSeconds * 1000:0}");
        }

        File.WriteAllText(Path.Combine(folder, "end-to-end.dat"), data.ToString());
    }

    /// <summary>The round with the median throughput (the lower middle one for an even count).</summary>
    static RunResult Median(IReadOnlyList<RunResult> runs) => runs.OrderBy(r => r.Throughput).ElementAt((runs.Count - 1) / 2);
}
