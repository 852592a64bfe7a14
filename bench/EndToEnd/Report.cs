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
        // The Node SDK's best of each transport: the module over MQTT is compared with the SDK over MQTT (mosquitto),
        // over AMQP with the SDK over AMQP (the simulator).
        var nodeBest = results.Where(IsNode).GroupBy(r => r.Transport).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Throughput)!);
        var c = results.FirstOrDefault(r => r.Name.StartsWith("mosquitto_pub", StringComparison.Ordinal));

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{count} readings each, median of {rounds.Max(r => r.Count)} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, `{Environment.OSVersion}`.");
        if (count < SmallCount)
        {
            table.AppendLine();
            table.AppendLine(CultureInfo.InvariantCulture, $"**Warning:** {count} readings is under {SmallCount}: start-up (process, TLS handshake, JIT) dominates, so the ratios say more about start-up than about throughput.");
        }

        table.AppendLine();
        table.AppendLine("| contender | transport | msg/s | msg/s range | × Node best (same transport) | × mosquitto_pub | CPU µs/msg | peak RSS MB | RSS ÷ Node best's | first msg ms | wall s | server µs/msg | subscriber µs/msg |");
        table.AppendLine("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (r, all) in results.Zip(rounds))
        {
            var node = nodeBest.GetValueOrDefault(r.Transport);
            var pub = c is not null && r.Transport == c.Transport ? r.Throughput / c.Throughput : double.NaN;
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Transport} | {r.Throughput:0} | {all.Min(a => a.Throughput):0}–{all.Max(a => a.Throughput):0} | {Ratio(r.Throughput, node?.Throughput)} | {(double.IsNaN(pub) ? "–" : pub.ToString("0.00", CultureInfo.InvariantCulture))} | {r.CpuMicrosecondsPerMessage:0} | {r.PeakRssMegabytes:0.0} | {Ratio(r.PeakRssMegabytes, node?.PeakRssMegabytes)} | {r.FirstMessageSeconds * 1000:0} | {r.WallSeconds:0.00} | {r.BrokerMicrosecondsPerMessage:0} | {r.SubscriberMicrosecondsPerMessage:0} |");
        }

        table.AppendLine();
        foreach (var (transport, best) in nodeBest)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"Node SDK best over {transport}: {best.Name}, {best.Throughput:0} msg/s, peak RSS {best.PeakRssMegabytes:0.0} MB, first message after {best.FirstMessageSeconds * 1000:0} ms.");
        }

        table.AppendLine();
        table.AppendLine("Server: mosquitto for MQTT (subscriber: mosquitto_sub), the hub simulator for AMQP (it counts what it stores; subscriber: the harness, which asks it for the count).");
        File.WriteAllText(Path.Combine(folder, "end-to-end.md"), table.ToString());
        File.WriteAllText(Path.Combine(folder, "end-to-end.json"), JsonSerializer.Serialize(rounds, Indented));

        var data = new StringBuilder("# name throughput rss cpu_us first_ms\n");
        foreach (var r in results)
        {
            data.AppendLine(CultureInfo.InvariantCulture, $"\"{r.Name}\" {r.Throughput:0} {r.PeakRssMegabytes:0.0} {r.CpuMicrosecondsPerMessage:0} {r.FirstMessageSeconds * 1000:0}");
        }

        File.WriteAllText(Path.Combine(folder, "end-to-end.dat"), data.ToString());
    }

    static bool IsNode(RunResult r) => r.Name.StartsWith("Node", StringComparison.Ordinal);

    static string Ratio(double value, double? of) => of is > 0 ? (value / of.Value).ToString("0.00", CultureInfo.InvariantCulture) : "–";

    /// <summary>The round with the median throughput (the lower middle one for an even count).</summary>
    static RunResult Median(IReadOnlyList<RunResult> runs) => runs.OrderBy(r => r.Throughput).ElementAt((runs.Count - 1) / 2);
}
