using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sensors.Drivers;
using EdgeSensorModule.Sensors.I2c;
using EdgeSensorModule.Tests.Sensors.Emulators;

namespace EdgeSensorModule.Tests.Sensors.Drivers;

/// <summary>Each driver, through the real dotnet/iot binding, decodes the datasheet vectors of docs/sensors.md.</summary>
public class ChipVectorTests
{
    static ChipMeasurement Measure(IChip chip) => chip.Measure(CancellationToken.None);

    static void AssertRelative(double expected, double actual, double tolerance = 1e-6) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Abs(expected) * tolerance, $"expected {expected}, got {actual}");

    [Fact]
    public void Crc_SensirionCheckValue_Is0x92() => Assert.Equal(0x92, SensirionCrc.Compute([0xBE, 0xEF]));

    [Fact]
    public void Bme280_DatasheetExample_GivesBoschCompensatedValues()
    {
        using var chip = new Bme280Chip(new GuardedI2cDevice(new Bme280Emulator()));

        var measurement = Measure(chip);

        AssertRelative(25.08247793, measurement.TemperatureCelsius);
        AssertRelative(45.5888455, measurement.RelativeHumidityPercent!.Value);
    }

    [Fact]
    public void Bme280_FirstRead_ForcesAFreshMeasurementInsteadOfPowerOnData()
    {
        var emulator = new Bme280Emulator();
        using var chip = new Bme280Chip(new GuardedI2cDevice(emulator));
        emulator.SetRawTemperature(0x7F000);

        var first = Measure(chip);
        emulator.SetEnvironment(Bme280Emulator.DatasheetData);
        var second = Measure(chip);

        Assert.Equal(2, emulator.Measurements);
        Assert.NotEqual(first.TemperatureCelsius, second.TemperatureCelsius);
        AssertRelative(25.08247793, second.TemperatureCelsius);
    }

    [Fact]
    public void Bmp280_DatasheetExample_GivesTemperatureAndNoHumidity()
    {
        using var chip = new Bmp280Chip(new GuardedI2cDevice(new Bme280Emulator(chipId: 0x58)));

        var measurement = Measure(chip);

        AssertRelative(25.08247793, measurement.TemperatureCelsius);
        Assert.Null(measurement.RelativeHumidityPercent);
        Assert.Equal("BMP280 (temperature only: no humidity in its messages) at 0x76 on /dev/i2c-1", chip.Description);
    }

    [Fact]
    public void Bme280_Bmp280AnswersInstead_SaysWhichChipAndTheSetting()
    {
        var error = Assert.Throws<SensorSetupException>(() => new Bme280Chip(new GuardedI2cDevice(new Bme280Emulator(chipId: 0x58))));

        Assert.Equal("Sensor__Type Bme280: the chip at 0x76 on /dev/i2c-1 is a BMP280 (chip id 0x58), which measures no humidity: set Sensor__Type=Bmp280.", error.Message);
    }

    [Theory]
    [InlineData(0x6666, 0x8000, 25.0, 50.0)]
    [InlineData(0x5F3B, 0x7A1F, 20.1, 47.7)]
    [InlineData(0x2000, 0x1000, -23.1, 6.3)]
    [InlineData(0xB000, 0xF000, 75.3, 93.8)]
    public void Sht3x_ReferenceVectors_DecodeAsTheDatasheetSays(int rawT, int rawRh, double temperature, double humidity)
    {
        var emulator = new SensirionEmulator(SensirionChip.Sht3x, 0x44) { RawTemperature = (ushort)rawT, RawHumidity = (ushort)rawRh };
        using var chip = new Sht3xChip(new GuardedI2cDevice(emulator));

        var measurement = Measure(chip);

        Assert.Equal(temperature, measurement.TemperatureCelsius, 9);
        Assert.Equal(humidity, measurement.RelativeHumidityPercent!.Value, 9);
    }

    [Theory]
    [InlineData(0x6666, 0x8000, 25.0, 56.50095)]
    [InlineData(0x5F3B, 0x7A1F, 20.09995, 53.63035)]
    [InlineData(0x2000, 0x1000, -23.12467, 1.81262)]
    [InlineData(0xB000, 0xF000, 75.31434, 100)]
    public void Sht4x_ReferenceVectors_DecodeAsTheDatasheetSays(int rawT, int rawRh, double temperature, double humidity)
    {
        var emulator = new SensirionEmulator(SensirionChip.Sht4x, 0x44) { RawTemperature = (ushort)rawT, RawHumidity = (ushort)rawRh };
        using var chip = new Sht4xChip(new GuardedI2cDevice(emulator));

        var measurement = Measure(chip);

        Assert.Equal(temperature, measurement.TemperatureCelsius, tolerance: 1e-5);
        Assert.Equal(humidity, measurement.RelativeHumidityPercent!.Value, tolerance: 1e-5);
    }

    [Theory]
    [InlineData(0x6666, 25.0)]
    [InlineData(0x7FFF, 42.5)]
    [InlineData(0x8FF2, 53.4)] // the binding alone says -121.6
    [InlineData(0x2000, -23.1)]
    public void Shtc3_TemperatureAboveTheSignBit_DecodesCorrectly(int rawT, double temperature)
    {
        var emulator = new SensirionEmulator(SensirionChip.Shtc3, 0x70) { RawTemperature = (ushort)rawT, RawHumidity = 0x8000 };
        using var chip = new Shtc3Chip(new GuardedI2cDevice(emulator));

        var measurement = Measure(chip);

        Assert.Equal(temperature, measurement.TemperatureCelsius, 9);
        Assert.Equal(50.0, measurement.RelativeHumidityPercent!.Value, 9);
    }

    [Fact]
    public void Si7021_RawCodes_DecodeWithTheDatasheetFormulas()
    {
        var emulator = new Si7021Emulator { RawTemperature = 0x6664, RawHumidity = 0x7A3E };
        using var chip = new Si7021Chip(new GuardedI2cDevice(emulator));

        var measurement = Measure(chip);

        // Datasheet 5.1.1 / 5.1.3: RH = 125 · code / 65536 − 6, T = 175.72 · code / 65536 − 46.85 (binding rounds T to 0.1).
        Assert.Equal(Math.Round((175.72 * 0x6664 / 65536.0) - 46.85, 1), measurement.TemperatureCelsius, 9);
        Assert.Equal((125.0 * 0x7A3E / 65536.0) - 6, measurement.RelativeHumidityPercent!.Value, 9);
    }

    [Fact]
    public void Aht20_RawValues_DecodeWithTheDatasheetFormulas()
    {
        var emulator = new Aht20Emulator { RawHumidity = 0x80000, RawTemperature = 0x66666, BusyPolls = 2 };
        using var chip = new Aht20Chip(new GuardedI2cDevice(emulator));

        var measurement = Measure(chip);

        // Datasheet 6: RH = raw / 2^20 · 100 %, T = raw / 2^20 · 200 − 50.
        Assert.Equal((0x66666 / 1048576.0 * 200) - 50, measurement.TemperatureCelsius, 9);
        Assert.Equal(50.0, measurement.RelativeHumidityPercent!.Value, 9);
    }
}
