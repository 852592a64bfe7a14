using System.Diagnostics;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sensors.Resilience;
using EdgeSensorModule.Tests.Sensors.Emulators;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSensorModule.Tests.Sensors.Resilience;

/// <summary>The resilience the issue asks for, against emulated chips behind the real bindings.</summary>
public class ResilientSensorTests
{
    readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero));

    static async Task<SensorResult> ReadAsync(ResilientSensor sensor) =>
        await sensor.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20));

    [Fact]
    public async Task ReadAsync_SporadicNack_IsCuredByARetry()
    {
        var chip = new Bme280Emulator();
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Bme280), clock);
        await sensor.StartAsync(CancellationToken.None);
        chip.NackNext(2);

        var result = await ReadAsync(sensor);

        Assert.Equal(new SensorReading(25.08, 45.59, clock.GetUtcNow()), result.Reading);
        Assert.Equal(new SensorHealthSnapshot(SensorState.Healthy, null, 0, 1, 0, clock.GetUtcNow()), sensor.Health.Snapshot);
    }

    [Fact]
    public async Task ReadAsync_RetryDelay_WaitsBeforeRetrying()
    {
        var chip = new Bme280Emulator();
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Bme280, o => o.RetryDelay = TimeSpan.FromMilliseconds(300)), TimeProvider.System);
        await sensor.StartAsync(CancellationToken.None);
        chip.NackNext(1);

        var watch = Stopwatch.StartNew();
        var result = await ReadAsync(sensor);

        Assert.True(result.IsSuccess, result.Error);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(300), $"retried after {watch.Elapsed}");
    }

    [Fact]
    public async Task ReadAsync_ChipVanishesAndReturns_FailsWithBackoffThenRecovers()
    {
        var chip = new Bme280Emulator();
        var bus = new EmulatedBus().With(chip);
        using var sensor = SensorStack.Create(bus, SensorStack.Options(SensorType.Bme280), clock);
        await sensor.StartAsync(CancellationToken.None);

        chip.Fault = BusFault.Nack;
        var gone = await ReadAsync(sensor);
        var reconnect = await ReadAsync(sensor);
        var transfers = chip.Transfers;
        var gated = await ReadAsync(sensor);
        var transfersWhileWaiting = chip.Transfers - transfers;
        chip.Fault = BusFault.None;
        clock.Advance(TimeSpan.FromSeconds(1));
        var back = await ReadAsync(sensor);

        Assert.Equal(SensorFailureKind.Communication, gone.Failure);
        Assert.Contains("(3 attempts); re-creating the device", gone.Error, StringComparison.Ordinal);
        Assert.Equal(SensorFailureKind.Unavailable, reconnect.Failure);
        Assert.Contains("next attempt in", gated.Error, StringComparison.Ordinal);
        Assert.Equal(0, transfersWhileWaiting);
        Assert.True(back.IsSuccess, back.Error);
        Assert.Equal(3, bus.Opens[0x76]);
        Assert.Equal(new SensorHealthSnapshot(SensorState.Healthy, gated.Failure + ": " + gated.Error, 0, 4, 3, clock.GetUtcNow()), sensor.Health.Snapshot);
    }

    [Fact]
    public async Task StartAsync_NothingAnswers_KeepsRunningAndConnectsWhenTheChipAppears()
    {
        var bus = new EmulatedBus();
        using var sensor = SensorStack.Create(bus, SensorStack.Options(SensorType.Sht4x), clock);

        await sensor.StartAsync(CancellationToken.None);
        var missing = await ReadAsync(sensor);
        bus.With(new SensirionEmulator(SensirionChip.Sht4x, 0x44));
        clock.Advance(TimeSpan.FromSeconds(2));
        var found = await ReadAsync(sensor);

        Assert.Equal(SensorFailureKind.Unavailable, missing.Failure);
        Assert.Equal(SensorState.Healthy, sensor.Health.Snapshot.State);
        Assert.Equal(25.0, found.Reading?.TemperatureCelsius);
    }

    [Fact]
    public async Task StartAsync_WrongChip_ThrowsTheSetupErrorNamingTheChipFound()
    {
        using var sensor = SensorStack.Create(new EmulatedBus().With(new Bme280Emulator(chipId: 0x58)), SensorStack.Options(SensorType.Bme280), clock);

        var error = await Assert.ThrowsAsync<SensorSetupException>(() => sensor.StartAsync(CancellationToken.None));

        Assert.Contains("is a BMP280 (chip id 0x58)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Error 13 (Permission denied). Can not open I2C device file '/dev/i2c-1'.", "Sensor__I2cBus 1: permission denied opening /dev/i2c-1. Run the module as a member of the host's i2c group")]
    [InlineData("Error 2 (No such file or directory). Can not open I2C device file '/dev/i2c-1'.", "Sensor__I2cBus 1: /dev/i2c-1 does not exist. In IoT Edge map it into the module in createOptions")]
    public async Task StartAsync_BusCannotBeOpened_ThrowsTheSetupErrorWithTheFix(string systemError, string expected)
    {
        var bus = new EmulatedBus { OpenError = new IOException(systemError) };
        using var sensor = SensorStack.Create(bus, SensorStack.Options(SensorType.Sht3x), clock);

        var error = await Assert.ThrowsAsync<SensorSetupException>(() => sensor.StartAsync(CancellationToken.None));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Aht20BusyBitStuck_TimesOutThenRecoversWhenTheChipDoes()
    {
        var chip = new Aht20Emulator();
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Aht20, o => o.ReadTimeout = TimeSpan.FromMilliseconds(300)), TimeProvider.System);
        await sensor.StartAsync(CancellationToken.None);
        chip.StuckBusy = true;

        var watch = Stopwatch.StartNew();
        var stuck = await ReadAsync(sensor);
        var elapsed = watch.Elapsed;
        chip.StuckBusy = false;
        var back = await ReadAsync(sensor);

        Assert.Equal(SensorFailureKind.Timeout, stuck.Failure);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.True(back.IsSuccess, back.Error);
    }

    [Fact]
    public async Task ReadAsync_BusHangs_TimesOutWithoutInterleavingAndRecoversAfterwards()
    {
        var chip = new Bme280Emulator();
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Bme280, o => o.ReadTimeout = TimeSpan.FromMilliseconds(200)), TimeProvider.System);
        await sensor.StartAsync(CancellationToken.None);
        chip.Fault = BusFault.Hang;

        var hung = await ReadAsync(sensor);
        var transfers = chip.Transfers;
        var stillHeld = await ReadAsync(sensor);
        var transfersWhileHeld = chip.Transfers - transfers;
        chip.Fault = BusFault.None;
        chip.Release();
        var back = await ReadUntilSuccessAsync(sensor); // after the reconnect backoff (about 1 s)

        Assert.Equal(SensorFailureKind.Timeout, hung.Failure);
        Assert.Equal(SensorFailureKind.Unavailable, stillHeld.Failure);
        Assert.Contains("/dev/i2c-1 is still held by a read that has not returned", stillHeld.Error, StringComparison.Ordinal);
        Assert.Equal(0, transfersWhileHeld);
        Assert.Equal(25.08, back.TemperatureCelsius);
    }

    [Fact]
    public async Task ReadAsync_SameValueManyTimes_IsRejectedAsFrozenUntilItChanges()
    {
        var chip = new Bme280Emulator();
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Bme280, o => o.FrozenReadCount = 3), clock);
        await sensor.StartAsync(CancellationToken.None);

        var first = await ReadAsync(sensor);
        var second = await ReadAsync(sensor);
        var third = await ReadAsync(sensor);
        chip.SetRawTemperature(0x7F000);
        var changed = await ReadAsync(sensor);

        Assert.True(first.IsSuccess && second.IsSuccess);
        Assert.Equal(SensorFailureKind.Implausible, third.Failure);
        Assert.Contains("3 reads in a row", third.Error, StringComparison.Ordinal);
        Assert.True(changed.IsSuccess, changed.Error);
    }

    [Fact]
    public async Task ReadAsync_Si7021TemperatureAboveItsRange_IsAnOutOfRangeFailure()
    {
        var chip = new Si7021Emulator { RawTemperature = 0xFFF0, RawHumidity = 0x7A3E }; // 128.8 °C
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Si7021), clock);

        var result = await ReadAsync(sensor);

        Assert.Equal((SensorFailureKind.OutOfRange, true), (result.Failure, result.Error?.StartsWith("temperature", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReadAsync_Si7021HumidityBelowZero_IsClampedToZeroAsTheDatasheetSays()
    {
        var chip = new Si7021Emulator { RawTemperature = 0x6664, RawHumidity = 0x0000 }; // -6 %RH
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Si7021), clock);

        var result = await ReadAsync(sensor);

        Assert.Equal(0, result.Reading?.RelativeHumidityPercent);
    }

    [Fact]
    public async Task ReadAsync_Shtc3Above42_5Degrees_ReadsTheRealTemperature()
    {
        var chip = new SensirionEmulator(SensirionChip.Shtc3, 0x70) { RawTemperature = 0x8FF2 };
        using var sensor = SensorStack.Create(new EmulatedBus().With(chip), SensorStack.Options(SensorType.Shtc3), clock);

        var result = await ReadAsync(sensor);

        Assert.Equal(53.4, result.Reading?.TemperatureCelsius);
    }

    [Fact]
    public async Task ReadAsync_Auto_UsesTheChipTheProbeFound()
    {
        var bus = new EmulatedBus().With(new SensirionEmulator(SensirionChip.Sht3x, 0x45));
        using var sensor = SensorStack.Create(bus, SensorStack.Options(SensorType.Auto), clock);
        await sensor.StartAsync(CancellationToken.None);

        var result = await ReadAsync(sensor);

        Assert.Equal("SHT3x at 0x45 on /dev/i2c-1", sensor.Description);
        Assert.Equal((25.0, 50.0), (result.Reading?.TemperatureCelsius, result.Reading?.RelativeHumidityPercent));
    }

    /// <summary>Reads at a sampling interval of 50 ms until a reading comes, within 10 s.</summary>
    static async Task<SensorReading> ReadUntilSuccessAsync(ResilientSensor sensor)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await ReadAsync(sensor);
            if (result.Reading is { } reading)
            {
                return reading;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"no reading within 10 s: {result.Error}");
            await Task.Delay(50);
        }
    }
}
