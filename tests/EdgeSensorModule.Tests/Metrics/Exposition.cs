using System.Globalization;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Metrics;

/// <summary>A Prometheus text exposition as a test reads it: checked by promtool, samples by name and labels.</summary>
internal sealed record Exposition(string Text)
{
    public const string PromtoolInstallHint = "apt-get install -y prometheus   (Debian's package provides promtool)";

    /// <summary>GET <c>http://127.0.0.1:port/metrics</c>.</summary>
    public static async Task<Exposition> ScrapeAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return new Exposition(await response.Content.ReadAsStringAsync());
    }

    /// <summary><c>promtool check metrics</c>: the format, and Prometheus' naming rules (units, <c>_total</c>).</summary>
    public async Task<ExternalResult> PromtoolAsync() =>
        await ExternalProcess.RunAsync("promtool", PromtoolInstallHint, ["check", "metrics"], TimeSpan.FromSeconds(30), standardInput: Text);

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    public double Value(string name, string label = "")
    {
        var line = Assert.Single(Text.Split('\n'), l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
