using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors.I2c;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>The chips the module drives: usual address and driver of each <see cref="SensorType"/>.</summary>
public static class ChipCatalog
{
    /// <summary>
    /// The addresses a chip of <paramref name="type"/> answers on, the usual one first (used when
    /// <c>Sensor__I2cAddress</c> is unset). BME/BMP280: 0x76, as on most Pi breakouts (SDO to GND; Adafruit's boards
    /// pull SDO high: 0x77); SHT3x/SHT4x: 0x44 (ADDR low), 0x45.
    /// </summary>
    public static IReadOnlyList<int> Addresses(SensorType type) => type switch
    {
        SensorType.Bme280 or SensorType.Bmp280 => [0x76, 0x77],
        SensorType.Sht3x or SensorType.Sht4x => [0x44, 0x45],
        SensorType.Shtc3 => [0x70],
        SensorType.Si7021 => [0x40],
        SensorType.Aht20 => [0x38],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an I2C chip"),
    };

    /// <summary>The address used when <c>Sensor__I2cAddress</c> is unset: the first of <see cref="Addresses"/>.</summary>
    public static int DefaultAddress(SensorType type) => Addresses(type)[0];

    /// <summary>Sets up the driver of <paramref name="type"/> on <paramref name="device"/>.</summary>
    public static IChip Create(SensorType type, GuardedI2cDevice device) => type switch
    {
        SensorType.Bme280 => new Bme280Chip(device),
        SensorType.Bmp280 => new Bmp280Chip(device),
        SensorType.Sht3x => new Sht3xChip(device),
        SensorType.Sht4x => new Sht4xChip(device),
        SensorType.Shtc3 => new Shtc3Chip(device),
        SensorType.Si7021 => new Si7021Chip(device),
        SensorType.Aht20 => new Aht20Chip(device),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an I2C chip"),
    };
}
