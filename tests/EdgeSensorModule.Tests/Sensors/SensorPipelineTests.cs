using System.Text;
using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Tests.Outbox;
using EdgeSensorModule.Tests.Sensors.Emulators;
using IotHub.Protocol.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Sensors;

/// <summary>The module's pipeline, emulated chip → real binding → driver → resilience → sampling → alert → message.</summary>
public class SensorPipelineTests
{
    static async Task<List<(SensorTelemetry Body, bool? Alert, string Json)>> SampleAsync(ISensor sensor, int count)
    {
        using var files = new OutboxFiles();
        using var outbox = files.Open();
        using var sampling = new SamplingService(
            sensor,
            new TemperatureAlertPolicy(Options.Create(new AlertOptions { TemperatureThreshold = 30 })),
            outbox,
            new SampledReadings(),
            Options.Create(new DeviceOptions { Id = "pi-1" }),
            Options.Create(new TelemetryOptions { Interval = TimeSpan.Zero, MessageCount = count }),
            TimeProvider.System,
            NullLogger<SamplingService>.Instance);
        await sampling.StartAsync(CancellationToken.None);
        await sampling.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        var messages = OutboxFiles.AllPending(outbox);
        return messages.Select(m => (
            TelemetryContract.ParseBody(m.Message.Body.Span),
            TelemetryContract.ReadAlert(m.Message.ApplicationProperties),
            Encoding.UTF8.GetString(m.Message.Body.Span))).ToList();
    }

    [Fact]
    public async Task Sampling_Shtc3WithACorruptedAnswerAndAHotReading_SendsOnlyGoodReadingsAndAlertsOnTheHotOne()
    {
        var chip = new SensirionEmulator(SensirionChip.Shtc3, 0x70);
        chip.Script.Enqueue((0x6666, false)); // 25.0 °C
        chip.Script.Enqueue((0x1234, true)); // CRC corrupted: dropped
        chip.Script.Enqueue((0x8FF2, false)); // 53.4 °C, -121.6 °C through the binding alone
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Shtc3), TimeProvider.System);

        var messages = await SampleAsync(sensor, 2);

        Assert.Equal([(0L, 25.0, 50.0, false), (1L, 53.4, 50.0, true)],
            messages.Select(m => (m.Body.MessageId, m.Body.Temperature, m.Body.Humidity!.Value, m.Alert!.Value)));
        Assert.Equal(3, chip.Measurements);
    }

    [Fact]
    public async Task Sampling_Bmp280_SendsTemperatureAndNoHumidityField()
    {
        using var sensor = SensorStack.Create(new EmulatedBus().With(new Bme280Emulator(chipId: 0x58)), SensorStack.Options(SensorType.Bmp280), TimeProvider.System);

        var message = Assert.Single(await SampleAsync(sensor, 1));

        Assert.Equal(25.08, message.Body.Temperature);
        Assert.DoesNotContain("humidity", message.Json, StringComparison.Ordinal);
        Assert.False(message.Alert);
    }
}
