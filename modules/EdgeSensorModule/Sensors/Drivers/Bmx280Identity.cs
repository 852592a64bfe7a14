using EdgeSensorModule.Sensors.I2c;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>Bosch chip ids in register 0xD0 (BME280 datasheet 5.4.1, BMP280 3.11.1, BME680 5.3.3.5).</summary>
internal static class Bmx280Identity
{
    public const byte ChipIdRegister = 0xD0;
    public const byte Bme280 = 0x60;
    public const byte Bmp280 = 0x58;
    const byte Bme680 = 0x61;

    /// <summary>Reads the chip id.</summary>
    public static byte Read(GuardedI2cDevice device)
    {
        device.WriteByte(ChipIdRegister);
        return device.ReadByte();
    }

    /// <summary>
    /// Checks the chip id before the binding does: the binding's own error ("Unable to find a chip with id 96")
    /// names neither the chip found nor the fix. A floating bus (0xFF) is "nothing answering", retried later.
    /// </summary>
    public static void Expect(GuardedI2cDevice device, byte expected, string configuredType)
    {
        var id = Read(device);
        if (id == expected)
        {
            return;
        }

        var where = $"at 0x{device.ConnectionSettings.DeviceAddress:X2} on {LinuxI2c.BusPath(device.ConnectionSettings.BusId)}";
        throw id switch
        {
            0xFF or 0x00 => new IOException($"no chip answers {where} (chip id register reads 0x{id:X2})"),
            Bmp280 => new SensorSetupException($"Sensor__Type {configuredType}: the chip {where} is a BMP280 (chip id 0x58), which measures no humidity: set Sensor__Type=Bmp280."),
            Bme280 => new SensorSetupException($"Sensor__Type {configuredType}: the chip {where} is a BME280 (chip id 0x60): set Sensor__Type=Bme280 to read humidity too."),
            Bme680 => new SensorSetupException($"Sensor__Type {configuredType}: the chip {where} is a BME680 (chip id 0x61), which this module does not drive yet."),
            _ => new SensorSetupException($"Sensor__Type {configuredType}: the chip {where} is not a {configuredType.ToUpperInvariant()} (chip id 0x{id:X2}): check Sensor__Type and Sensor__I2cAddress against 'i2cdetect -y {device.ConnectionSettings.BusId}'."),
        };
    }
}
