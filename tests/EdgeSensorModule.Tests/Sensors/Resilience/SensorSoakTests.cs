using System.Diagnostics;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Tests.Sensors.Emulators;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeSensorModule.Tests.Sensors.Resilience;

/// <summary>
/// 100,000 faults injected on the bus of a BME280 behind the real binding and the module's resilience: no
/// exception, no read that hangs, and every reading that comes out is exactly what the chip measured. Time is a
/// fake clock advanced by the sampling interval, so backoff costs nothing.
/// </summary>
public class SensorSoakTests(ITestOutputHelper output)
{
    const int Faults = 100_000;

    [Fact]
    public async Task ReadAsync_HundredThousandInjectedFaults_NoCrashNoHangNoInvalidReading()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero));
        var chip = new Bme280Emulator { NormalMode = true };
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Bme280), clock);
        await sensor.StartAsync(CancellationToken.None);
        void Warm() => chip.SetRawTemperature(0x7F000);
        Warm();
        var warmReading = (await sensor.ReadAsync(CancellationToken.None)).Reading!;
        chip.SetEnvironment(Bme280Emulator.DatasheetData);
        var datasheetReading = (await sensor.ReadAsync(CancellationToken.None)).Reading!;
        var random = new Random(2026);
        var watch = Stopwatch.StartNew();
        long reads = 0, readings = 0, wrong = 0, cleanReads = 0;
        var warmNow = false;

        while (chip.FaultsInjected < Faults)
        {
            chip.Fault = BusFault.None;
            var roll = random.Next(100);
            var clean = roll < 5;
            if (clean)
            {
                warmNow = !warmNow; // alternate, as a real room never repeats the exact raw value
                if (warmNow)
                {
                    Warm();
                }
                else
                {
                    chip.SetEnvironment(Bme280Emulator.DatasheetData);
                }
            }
            else if (roll < 60)
            {
                chip.NackNext(random.Next(1, 5)); // sporadic 121s; 3 or more exhaust the retries
            }
            else if (roll < 80)
            {
                chip.Fault = BusFault.AllOnes;
            }
            else
            {
                chip.Fault = BusFault.Nack; // gone for this read
            }

            var result = await sensor.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            reads++;
            cleanReads += clean ? 1 : 0;
            if (result.Reading is { } reading)
            {
                readings++;
                var expected = warmNow ? warmReading : datasheetReading;
                wrong += (reading.TemperatureCelsius, reading.RelativeHumidityPercent) == (expected.TemperatureCelsius, expected.RelativeHumidityPercent) ? 0 : 1;
            }

            chip.NackNext(0);
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        var health = sensor.Health.Snapshot;
        output.WriteLine($"{chip.FaultsInjected} faults in {reads} reads ({cleanReads} fault-free): {readings} readings, {wrong} wrong, {watch.Elapsed.TotalSeconds:0.0} s");
        chip.Fault = BusFault.None;
        clock.Advance(TimeSpan.FromSeconds(61)); // past the longest reconnect backoff
        var after = await sensor.ReadAsync(CancellationToken.None);

        Assert.Equal(0, wrong);
        Assert.True(readings > 1000, $"only {readings} readings in {reads} reads ({cleanReads} fault-free)");
        Assert.Equal((reads + 2, reads - readings), (health.Reads, health.Failures));
        Assert.Equal(datasheetReading.TemperatureCelsius, after.Reading?.TemperatureCelsius);
    }
}
