using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Metrics;
using EdgeSensorModule.Sensors;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Metrics;

/// <summary>What the module's instruments become in the exposition IoT Edge's metrics-collector reads.</summary>
public sealed class ModuleMetricsTests : IDisposable
{
    const string Labels = "iothub=\"hub\",edge_device=\"dev\"";
    readonly ModuleMetrics metrics = new();
    readonly MetricsCollector collector;

    public ModuleMetricsTests() => collector = new MetricsCollector(metrics.Meter);

    Exposition Scrape() => new(PrometheusText.Write(collector.Collect(), Labels));

    [Trait(Tier.Name, Tier.Integration)]
    [Fact]
    public async Task Write_FailuresByKindAndAcknowledgementTimes_PassPromtoolWithCumulativeBuckets()
    {
        metrics.SensorFailed(SensorFailureKind.Checksum);
        metrics.SensorFailed(SensorFailureKind.OutOfRange);
        metrics.SensorFailed(SensorFailureKind.OutOfRange);
        metrics.ConnectFailed(HubErrorCode.ServerCertificateUntrusted);
        metrics.Acknowledged(TimeSpan.FromMilliseconds(3));
        metrics.Acknowledged(TimeSpan.FromSeconds(2));

        var exposition = Scrape();

        var promtool = await exposition.PromtoolAsync();
        Assert.True(promtool.ExitCode == 0, $"promtool: {promtool.Output}\n{exposition.Text}");
        Assert.Equal(1, exposition.Value("edgesensormodule_sensor_failures_total", "kind=\"checksum\""));
        Assert.Equal(2, exposition.Value("edgesensormodule_sensor_failures_total", "kind=\"out_of_range\""));
        Assert.Equal(1, exposition.Value("edgesensormodule_hub_connect_failures_total", "code=\"server_certificate_untrusted\""));
        Assert.Equal(0, exposition.Value("edgesensormodule_acknowledgement_duration_seconds_bucket", "le=\"0.0025\""));
        Assert.Equal(1, exposition.Value("edgesensormodule_acknowledgement_duration_seconds_bucket", "le=\"0.005\""));
        Assert.Equal(1, exposition.Value("edgesensormodule_acknowledgement_duration_seconds_bucket", "le=\"1\""));
        Assert.Equal(2, exposition.Value("edgesensormodule_acknowledgement_duration_seconds_bucket", "le=\"+Inf\""));
        Assert.Equal(2.003, exposition.Value("edgesensormodule_acknowledgement_duration_seconds_sum"), 6);
        Assert.Equal(2, exposition.Value("edgesensormodule_messages_delivered_total"));
    }

    [Fact]
    public void Write_NothingRecordedYet_ShowsEveryCounterAtZeroWithTheCommonLabels()
    {
        var exposition = Scrape();

        Assert.Equal(0, exposition.Value("edgesensormodule_readings_total", Labels));
        Assert.Equal(0, exposition.Value("edgesensormodule_messages_retried_total", Labels));
        Assert.Equal(0, exposition.Value("edgesensormodule_acknowledgement_duration_seconds_count", Labels));
    }

    [Fact]
    public void Connected_SecondConnection_CountsOneReconnect()
    {
        metrics.Connected();
        Assert.Equal(0, Scrape().Value("edgesensormodule_hub_reconnects_total"));

        metrics.Connected();

        Assert.Equal(1, Scrape().Value("edgesensormodule_hub_reconnects_total"));
    }

    public void Dispose()
    {
        collector.Dispose();
        metrics.Dispose();
    }
}
