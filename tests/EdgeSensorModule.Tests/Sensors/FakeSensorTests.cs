using EdgeSensorModule.Sensors;

namespace EdgeSensorModule.Tests.Sensors;

public class FakeSensorTests
{
    static async Task<List<SensorReading>> ReadAsync(FakeSensor sensor, int count)
    {
        var readings = new List<SensorReading>();
        for (var i = 0; i < count; i++)
        {
            var result = await sensor.ReadAsync(CancellationToken.None);
            readings.Add(result.Reading ?? throw new InvalidOperationException(result.Error));
        }

        return readings;
    }

    [Fact]
    public async Task ReadAsync_SameSeed_GivesSameReadings()
    {
        var first = await ReadAsync(new FakeSensor(7, TimeProvider.System), 50);
        var second = await ReadAsync(new FakeSensor(7, TimeProvider.System), 50);

        Assert.Equal(first.Select(r => (r.TemperatureCelsius, r.RelativeHumidityPercent)), second.Select(r => (r.TemperatureCelsius, r.RelativeHumidityPercent)));
    }

    [Fact]
    public async Task ReadAsync_DifferentSeeds_GiveDifferentReadings()
    {
        var first = await ReadAsync(new FakeSensor(1, TimeProvider.System), 5);
        var second = await ReadAsync(new FakeSensor(2, TimeProvider.System), 5);

        Assert.NotEqual(first.Select(r => r.TemperatureCelsius), second.Select(r => r.TemperatureCelsius));
    }

    [Fact]
    public async Task ReadAsync_ManyReadings_StayInTheSeedRanges()
    {
        var readings = await ReadAsync(new FakeSensor(3, TimeProvider.System), 5000);

        Assert.All(readings, r => Assert.InRange(r.TemperatureCelsius, 20, 35));
        Assert.All(readings, r => Assert.InRange(r.RelativeHumidityPercent!.Value, 60, 80));
    }

    [Fact]
    public async Task ReadAsync_ManyReadings_CrossTheDefaultThresholdBothWays()
    {
        var readings = await ReadAsync(new FakeSensor(4, TimeProvider.System), 1000);

        Assert.Contains(readings, r => r.TemperatureCelsius > 30);
        Assert.Contains(readings, r => r.TemperatureCelsius <= 30);
    }

    [Fact]
    public async Task ReadAsync_Walk_MovesAtMostOneAndAHalfDegreesPerStep()
    {
        var readings = await ReadAsync(new FakeSensor(5, TimeProvider.System), 1000);

        Assert.All(readings.Zip(readings.Skip(1)), pair => Assert.InRange(Math.Abs(pair.Second.TemperatureCelsius - pair.First.TemperatureCelsius), 0, 1.51));
    }
}
