using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Tests.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Sampling;

public class SamplingServiceTests
{
    /// <summary>Fails a given number of reads, then reads 20 °C.</summary>
    sealed class FailingThenGoodSensor(int failures) : ISensor
    {
        int reads;

        public string Description => "scripted sensor";

        public ValueTask<SensorResult> ReadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(reads++ < failures
            ? SensorResult.Fail(SensorFailureKind.Communication, "Error 121 (Remote I/O error)")
            : SensorResult.Success(new SensorReading(20, 50, DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task Sampling_LongSensorOutage_WarnsAtTheStartEverySixtyFailuresAndOnceWhenReadingsResume()
    {
        using var files = new OutboxFiles();
        using var outbox = files.Open();
        var logger = new FakeLogger<SamplingService>();
        using var sampling = new SamplingService(
            new FailingThenGoodSensor(failures: 130),
            new TemperatureAlertPolicy(Options.Create(new AlertOptions())),
            outbox,
            new SampledReadings(),
            Options.Create(new DeviceOptions { Id = "pi-1" }),
            Options.Create(new TelemetryOptions { Interval = TimeSpan.Zero, MessageCount = 1 }),
            TimeProvider.System,
            logger);

        await sampling.StartAsync(CancellationToken.None);
        await sampling.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        var warnings = logger.Collector.GetSnapshot().Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains("(1 failed in a row): Communication: Error 121 (Remote I/O error)", warnings[0], StringComparison.Ordinal);
        Assert.Contains("(61 failed in a row)", warnings[1], StringComparison.Ordinal);
        Assert.Contains("(121 failed in a row)", warnings[2], StringComparison.Ordinal);
        Assert.Contains(logger.Collector.GetSnapshot(), e => e.Level == LogLevel.Information && e.Message == "Readings from scripted sensor resumed after 130 failed reads");
        Assert.Equal(1, outbox.Count);
    }
}
