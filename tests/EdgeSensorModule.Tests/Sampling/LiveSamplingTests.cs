using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Tests.Outbox;
using EdgeSensorModule.Twin;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Sampling;

/// <summary>The sampling loop under the twin's settings and on-demand readings, with the real outbox.</summary>
public sealed class LiveSamplingTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    readonly OutboxFiles files = new();
    readonly LiveSettings live = new(Options.Create(new AlertOptions { TemperatureThreshold = 30 }), Options.Create(new TelemetryOptions { Interval = TimeSpan.FromMinutes(10) }));
    readonly SamplingControl control = new();
    readonly SampledReadings sampled = new();

    /// <summary>Reads 20 °C, or fails when told to.</summary>
    sealed class SwitchableSensor : ISensor
    {
        public volatile bool Broken;

        public string Description => "switchable sensor";

        public ValueTask<SensorResult> ReadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Broken
            ? SensorResult.Fail(SensorFailureKind.Communication, "Error 121 (Remote I/O error)")
            : SensorResult.Success(new SensorReading(20, 50, DateTimeOffset.UtcNow)));
    }

    SamplingService Start(ISensor sensor, EdgeSensorModule.Outbox.FileOutbox outbox)
    {
        var sampling = new SamplingService(sensor, new TemperatureAlertPolicy(Options.Create(new AlertOptions { TemperatureThreshold = 30 }), live), outbox, sampled,
            Options.Create(new DeviceOptions { Id = "pi-1" }), Options.Create(new TelemetryOptions { Interval = TimeSpan.FromMinutes(10) }),
            TimeProvider.System, NullLogger<SamplingService>.Instance, live, control);
        sampling.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return sampling;
    }

    async Task WaitForCountAsync(EdgeSensorModule.Outbox.FileOutbox outbox, int count)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (outbox.Count < count)
        {
            await sampled.WaitAsync(deadline.Token);
        }
    }

    [Fact]
    public async Task Sampling_IntervalShortenedByTheTwin_TakesTheNextReadingAtOnceNotAfterTheOldPeriod()
    {
        using var outbox = files.Open();
        using var sampling = Start(new SwitchableSensor(), outbox);
        await WaitForCountAsync(outbox, 1);

        live.Apply(new DesiredSettings(null, TimeSpan.FromMilliseconds(50), null));
        await WaitForCountAsync(outbox, 5); // with the old 10-minute period this would time out

        await sampling.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ReadNow_SensorReads_ReturnsTheReadingAlertedByTheLiveThresholdAndStoresIt()
    {
        using var outbox = files.Open();
        using var sampling = Start(new SwitchableSensor(), outbox);
        await WaitForCountAsync(outbox, 1);
        live.Apply(new DesiredSettings(-100, null, null));

        var result = await control.ReadNowAsync(Patience, CancellationToken.None);

        Assert.Equal(20, result.Reading!.TemperatureCelsius);
        Assert.True(result.TemperatureAlert);
        Assert.True(result.Queued);
        Assert.Equal(2, outbox.Count);
        await sampling.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ReadNow_SensorFails_ReturnsTheFailureAndStoresNothing()
    {
        using var outbox = files.Open();
        var sensor = new SwitchableSensor();
        using var sampling = Start(sensor, outbox);
        await WaitForCountAsync(outbox, 1);
        sensor.Broken = true;

        var result = await control.ReadNowAsync(Patience, CancellationToken.None);

        Assert.Null(result.Reading);
        Assert.Contains("Communication: Error 121", result.Failure, StringComparison.Ordinal);
        Assert.Equal(1, outbox.Count);
        await sampling.StopAsync(CancellationToken.None);
    }

    public void Dispose() => files.Dispose();
}
