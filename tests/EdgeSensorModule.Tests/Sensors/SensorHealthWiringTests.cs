using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sensors.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeSensorModule.Tests.Sensors;

/// <summary>The sensor as the module wires it: its health (reported in the twin and by getStatus) follows its reads.</summary>
public sealed class SensorHealthWiringTests
{
    [Fact]
    public async Task FakeSensor_AfterARead_IsHealthyWithTheReadCounted()
    {
        var settings = new Dictionary<string, string?> { ["Sensor:Type"] = "Fake", ["Sensor:Seed"] = "1" };
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddModuleOptions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSensor()
            .BuildServiceProvider();
        var sensor = provider.GetRequiredService<ISensor>();

        var result = await sensor.ReadAsync(CancellationToken.None);

        var health = provider.GetRequiredService<SensorHealth>().Snapshot;
        Assert.NotNull(result.Reading);
        Assert.Equal(SensorState.Healthy, health.State);
        Assert.Equal(1, health.Reads);
        Assert.Equal(result.Reading.Timestamp, health.LastReadingAt);
    }
}
