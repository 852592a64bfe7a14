using System.Globalization;
using System.Text;

namespace EdgeSensorModule.Metrics;

/// <summary>
/// Prometheus' text exposition format 0.0.4 (prometheus.io, "Exposition formats"): <c># HELP</c> and <c># TYPE</c>
/// per metric, one sample per line, histograms as cumulative <c>_bucket{le=...}</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The response's Content-Type.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// The exposition of <paramref name="instruments"/>; <paramref name="commonLabels"/> (already formatted, e.g.
    /// <c>iothub="h",edge_device="d"</c>) go on every sample, as IoT Edge's own modules put theirs.
    /// </summary>
    public static string Write(IEnumerable<InstrumentState> instruments, string commonLabels)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var text = new StringBuilder(4096);
        foreach (var instrument in instruments)
        {
            text.Append("# HELP ").Append(instrument.Name).Append(' ').Append(EscapeHelp(instrument.Help)).Append('\n');
            text.Append("# TYPE ").Append(instrument.Name).Append(' ').Append(instrument.Type.ToString().ToLowerInvariant()).Append('\n');
            foreach (var (labels, values) in instrument.Snapshot())
            {
                var all = Join(commonLabels, labels);
                if (instrument.Type != MetricType.Histogram)
                {
                    Sample(text, instrument.Name, all, values.Value);
                    continue;
                }

                long cumulative = 0;
                for (var i = 0; i < values.Buckets.Length; i++)
                {
                    cumulative += values.Buckets[i];
                    var bound = i < instrument.Bounds.Count ? Number(instrument.Bounds[i]) : "+Inf";
                    Sample(text, instrument.Name + "_bucket", Join(all, $"le=\"{bound}\""), cumulative);
                }

                Sample(text, instrument.Name + "_sum", all, values.Sum);
                Sample(text, instrument.Name + "_count", all, values.Count);
            }
        }

        return text.ToString();
    }

    /// <summary>Tags as a label list: <c>kind="checksum",code="timeout"</c>.</summary>
    public static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in tags)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(name).Append("=\"").Append(EscapeLabel(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }

        return text.ToString();
    }

    /// <summary>One label, its value escaped.</summary>
    public static string Label(string name, string value) => $"{name}=\"{EscapeLabel(value)}\"";

    /// <summary><c>OutOfRange</c> -> <c>out_of_range</c>: enum names as label values.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    static void Sample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    static string Join(string first, string second) => first.Length == 0 ? second : second.Length == 0 ? first : $"{first},{second}";

    static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    static string EscapeHelp(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
