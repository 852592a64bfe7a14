using EdgeSensorModule.Sensors.I2c;
using Iot.Device.Si7021;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>
/// Si7021 (and the HTU21D/SHT21 that share its commands). No CRC in the binding; the range check and the
/// all-0xFF check stand in. The binding uses clock-stretching commands, which the Pi's I2C controller handles
/// poorly: sporadic errors here are retried like any other.
/// </summary>
public sealed class Si7021Chip : I2cChip
{
    readonly Si7021 binding;

    /// <summary>Sets 12-bit RH / 14-bit T resolution through the binding.</summary>
    public Si7021Chip(GuardedI2cDevice device)
        : base("Si7021", device) => binding = new Si7021(device, Resolution.Resolution1);

    /// <inheritdoc />
    protected override ChipMeasurement MeasureCore()
    {
        var temperature = binding.Temperature.DegreesCelsius;
        // Datasheet 5.1.1: RH slightly outside 0..100 % is normal measurement spread; clamp it.
        var humidity = Math.Clamp(binding.Humidity.Percent, 0, 100);
        return new(temperature, humidity);
    }

    /// <inheritdoc />
    protected override IDisposable Binding => binding;
}
