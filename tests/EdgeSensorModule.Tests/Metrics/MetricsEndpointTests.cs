using System.Net;
using System.Net.Sockets;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Metrics;

/// <summary>The module process with <c>Metrics__Port</c> set, scraped as IoT Edge's metrics-collector scrapes it.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class MetricsEndpointTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    const string Prefix = "edgesensormodule_";

    [Fact]
    public async Task Scrape_RunningModule_PassesPromtoolAndCountsGrow()
    {
        var device = fixture.Pki.IssueDevice("metrics-dev");
        var port = FreePort.Next();
        var environment = ModuleEnvironment.ForPfx(fixture.Pki, device, "metrics-dev", fixture.Broker.Port, count: 0);
        environment["Metrics__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Telemetry__Interval"] = "00:00:00.020";
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await module.WaitForLineAsync(l => l.Contains($"Metrics for Prometheus at http://*:{port}/metrics", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var first = await ScrapeUntilAsync(port, e => e.Value(Prefix + "messages_delivered_total") >= 1);
        var second = await ScrapeUntilAsync(port, e =>
            e.Value(Prefix + "messages_delivered_total") > first.Value(Prefix + "messages_delivered_total")
            && e.Value(Prefix + "readings_total") > first.Value(Prefix + "readings_total")
            && e.Value(Prefix + "hub_connected") == 1);

        var promtool = await first.PromtoolAsync();
        Assert.True(promtool.ExitCode == 0, $"promtool: {promtool.Output}\n{first.Text}");
        Assert.Equal(1, second.Value(Prefix + "hub_connected"));
        Assert.True(second.Value(Prefix + "acknowledgement_duration_seconds_count") >= first.Value(Prefix + "messages_delivered_total"), second.Text);
        Assert.InRange(second.Value(Prefix + "certificate_remaining_seconds") / 86400, 29, 31); // the test PKI's devices are valid 30 days
        Assert.Contains("edge_device=\"metrics-dev\"", second.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MetricsPortOutOfRange_StopsWithOneLineNamingTheSetting()
    {
        var environment = ModuleEnvironment.ForPfx(fixture.Pki, fixture.Pki.IssueDevice("metrics-bad"), "metrics-bad", fixture.Broker.Port);
        environment["Metrics__Port"] = "70000";

        var line = await ModuleEnvironment.SetupErrorLineAsync(environment);

        Assert.Contains("Metrics__Port 70000 is not a TCP port: use 9600", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MetricsPortInUse_StopsWithOneLineNamingTheSetting()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var environment = ModuleEnvironment.ForPfx(fixture.Pki, fixture.Pki.IssueDevice("metrics-busy"), "metrics-busy", fixture.Broker.Port);
        environment["Metrics__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var line = await ModuleEnvironment.SetupErrorLineAsync(environment);

        Assert.Contains($"Metrics__Port {port}: cannot listen (AddressAlreadyInUse)", line, StringComparison.Ordinal);
    }

    /// <summary>Scrapes until <paramref name="done"/> holds: the module's counters move on their own schedule.</summary>
    static async Task<Exposition> ScrapeUntilAsync(int port, Func<Exposition, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var exposition = await Exposition.ScrapeAsync(port);
            if (done(exposition))
            {
                return exposition;
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"The metrics did not move within 30 s:\n{exposition.Text}");
            }

            await Task.Delay(50); // the next scrape; the deadline above bounds the loop
        }
    }
}
