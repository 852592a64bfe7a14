using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sensors.Drivers;
using EdgeSensorModule.Sensors.I2c;
using EdgeSensorModule.Tests.Sensors.Emulators;

namespace EdgeSensorModule.Tests.Sensors.Drivers;

/// <summary>Faults the bindings would hide or decode into numbers come out of the drivers as typed failures.</summary>
public class ChipFaultTests
{
    static SensorFailureKind FailureOf(IChip chip) =>
        Assert.Throws<ChipDataException>(() => chip.Measure(CancellationToken.None)).Kind;

    [Fact]
    public void Sht3x_CrcCorruptedAfterAGoodRead_FailsInsteadOfRepeatingTheOldValue()
    {
        var emulator = new SensirionEmulator(SensirionChip.Sht3x, 0x44);
        using var chip = new Sht3xChip(new GuardedI2cDevice(emulator));
        chip.Measure(CancellationToken.None);
        emulator.RawTemperature = 0x5F3B;
        emulator.CorruptCrc = true;

        Assert.Equal(SensorFailureKind.Checksum, FailureOf(chip));
    }

    [Fact]
    public void Sht3x_CrcCorruptedOnAFreshInstance_FailsInsteadOfZero()
    {
        var emulator = new SensirionEmulator(SensirionChip.Sht3x, 0x44) { CorruptCrc = true };
        using var chip = new Sht3xChip(new GuardedI2cDevice(emulator));

        Assert.Equal(SensorFailureKind.Checksum, FailureOf(chip));
    }

    [Theory]
    [InlineData(SensirionChip.Sht4x, 0x44)]
    [InlineData(SensirionChip.Shtc3, 0x70)]
    public void Sensirion_CrcCorrupted_FailsWithChecksum(SensirionChip type, int address)
    {
        var emulator = new SensirionEmulator(type, address);
        using IChip chip = type == SensirionChip.Sht4x
            ? new Sht4xChip(new GuardedI2cDevice(emulator))
            : new Shtc3Chip(new GuardedI2cDevice(emulator));
        emulator.CorruptCrc = true;

        Assert.Equal(SensorFailureKind.Checksum, FailureOf(chip));
    }

    [Fact]
    public void Bme280_BusAnswersOnlyOnesAfterAGoodChipId_IsImplausibleNotAReading()
    {
        var emulator = new Bme280Emulator();
        using var chip = new Bme280Chip(new GuardedI2cDevice(emulator));
        emulator.Fault = BusFault.AllOnes;

        Assert.Equal(SensorFailureKind.Implausible, FailureOf(chip));
    }

    [Fact]
    public void Sht3x_BusAnswersOnlyOnes_IsImplausibleRatherThanChecksum()
    {
        var emulator = new SensirionEmulator(SensirionChip.Sht3x, 0x44);
        using var chip = new Sht3xChip(new GuardedI2cDevice(emulator));
        emulator.Fault = BusFault.AllOnes;

        Assert.Equal(SensorFailureKind.Implausible, FailureOf(chip));
    }

    [Fact]
    public void Bme280_ChipNacks_SurfacesAsIoError121()
    {
        var emulator = new Bme280Emulator();
        using var chip = new Bme280Chip(new GuardedI2cDevice(emulator));
        emulator.Fault = BusFault.Nack;

        var error = Assert.Throws<IOException>(() => chip.Measure(CancellationToken.None));

        Assert.StartsWith("Error 121", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bme280_FloatingBusAtConstruction_IsNothingAnsweringNotAWrongChip()
    {
        var emulator = new Bme280Emulator { Fault = BusFault.AllOnes };

        var error = Assert.Throws<IOException>(() => new Bme280Chip(new GuardedI2cDevice(emulator)));

        Assert.Contains("no chip answers at 0x76", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aht20_StuckBusyBit_StopsAtTheDeadlineInsteadOfPollingForever()
    {
        var emulator = new Aht20Emulator();
        using var chip = new Aht20Chip(new GuardedI2cDevice(emulator));
        emulator.StuckBusy = true;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.ThrowsAny<OperationCanceledException>(() => chip.Measure(deadline.Token));
        Assert.True(emulator.Triggers >= 1);
    }

    [Fact]
    public void Probe_ChipsOnTheBus_FindsEachByItsId()
    {
        var bus = new EmulatedBus()
            .With(new Bme280Emulator(0x77))
            .With(new SensirionEmulator(SensirionChip.Sht4x, 0x44))
            .With(new SensirionEmulator(SensirionChip.Sht3x, 0x45))
            .With(new SensirionEmulator(SensirionChip.Shtc3, 0x70))
            .With(new Si7021Emulator())
            .With(new Aht20Emulator());

        var found = ChipProbe.Scan(bus.Factory, 1);

        Assert.Equal(
            [new(SensorType.Bme280, 0x77), new(SensorType.Sht4x, 0x44), new(SensorType.Sht3x, 0x45),
             new(SensorType.Shtc3, 0x70), new(SensorType.Si7021, 0x40), new(SensorType.Aht20, 0x38)],
            found);
    }
}
