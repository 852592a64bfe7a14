using BenchmarkDotNet.Attributes;
using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sampling;
using IotHub.Protocol;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Benchmarks;

/// <summary>The work the module does for each reading, apart from the network.</summary>
[MemoryDiagnoser]
public class MessageBenchmarks
{
    readonly SensorReading reading = new(31.25, 64.5, new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero));
    readonly TemperatureAlertPolicy policy = new(Options.Create(new AlertOptions()));
    HubMessage message = null!;
    long sequence;

    [GlobalSetup]
    public void Setup() => message = ReadingMessage.Create("myDevice", 0, reading, temperatureAlert: true);

    /// <summary>Body JSON (source generated), message id, properties.</summary>
    [Benchmark]
    public HubMessage BuildMessage() => ReadingMessage.Create("myDevice", sequence++, reading, policy.IsAlert(reading.TemperatureCelsius));

    /// <summary>The MQTT topic with its property bag.</summary>
    [Benchmark]
    public string EncodeTopic() => MqttTelemetry.Topic("myDevice", message);

    /// <summary>The threshold rule.</summary>
    [Benchmark]
    public bool EvaluateAlert() => policy.IsAlert(reading.TemperatureCelsius);
}
