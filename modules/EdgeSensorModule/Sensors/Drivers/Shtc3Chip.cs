using System.Buffers.Binary;
using EdgeSensorModule.Sensors.I2c;
using Iot.Device.Shtc3;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>
/// SHTC3. The binding decodes the temperature word as a signed number, so anything above ~42.5 °C (raw 0x8000)
/// comes out 175 °C too low (53.4 °C reads -121.6 °C) and a high-temperature alert would never fire. The driver
/// looks at the raw word and adds the 175 °C back.
/// </summary>
public sealed class Shtc3Chip : I2cChip
{
    /// <summary>The span of the SHTC3 temperature formula, T = -45 + 175 · raw / 2^16 (datasheet 5.11).</summary>
    const double TemperatureSpan = 175;

    readonly Shtc3 binding;

    /// <summary>Wakes and soft-resets the chip through the binding.</summary>
    public Shtc3Chip(GuardedI2cDevice device)
        : base("SHTC3", device) => binding = new Shtc3(device);

    /// <inheritdoc />
    protected override ChipMeasurement MeasureCore()
    {
        if (!binding.TryGetTemperatureAndHumidity(out var temperature, out var humidity))
        {
            throw new ChipDataException(SensorFailureKind.Checksum, "CRC mismatch in the SHTC3 answer");
        }

        var raw = BinaryPrimitives.ReadUInt16BigEndian(Device.LastRead);
        var celsius = temperature.DegreesCelsius + (raw >= 0x8000 ? TemperatureSpan : 0);
        return new(Math.Round(celsius, 1), humidity.Percent);
    }

    /// <inheritdoc />
    protected override IDisposable Binding => binding;
}
