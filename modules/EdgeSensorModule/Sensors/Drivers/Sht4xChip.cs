using EdgeSensorModule.Sensors.I2c;
using Iot.Device.Sht4x;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>
/// SHT4x (SHT40/41/45). Uses <c>ReadHumidityAndTemperature()</c>, which gives null for a channel whose CRC failed;
/// the plain properties would return the last good value instead.
/// </summary>
public sealed class Sht4xChip : I2cChip
{
    readonly Sht4x binding;

    /// <summary>Soft-resets the chip through the binding.</summary>
    public Sht4xChip(GuardedI2cDevice device)
        : base("SHT4x", device) => binding = new Sht4x(device);

    /// <inheritdoc />
    protected override ChipMeasurement MeasureCore()
    {
        var (humidity, temperature) = binding.ReadHumidityAndTemperature(Sht4xRepeatability.High);
        return temperature is { } t && humidity is { } h
            ? new(t.DegreesCelsius, h.Percent)
            : throw new ChipDataException(SensorFailureKind.Checksum, "CRC mismatch in the SHT4x answer");
    }

    /// <inheritdoc />
    protected override IDisposable Binding => binding;
}
