using EdgeSensorModule.Sensors.I2c;
using Iot.Device.Bmxx80;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>BMP280 (temperature, pressure): no humidity, so the message carries none rather than an invented one.</summary>
public sealed class Bmp280Chip : I2cChip
{
    readonly Bmp280 binding;

    /// <summary>Checks the chip id, then sets the chip up through the binding.</summary>
    public Bmp280Chip(GuardedI2cDevice device)
        : base("BMP280 (temperature only: no humidity in its messages)", device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Bmx280Identity.Expect(device, Bmx280Identity.Bmp280, "Bmp280");
        binding = new Bmp280(device);
    }

    /// <inheritdoc />
    protected override ChipMeasurement MeasureCore()
    {
        var result = binding.Read();
        return result.Temperature is { } temperature
            ? new(temperature.DegreesCelsius, null)
            : throw new ChipDataException(SensorFailureKind.Implausible, "the BMP280 returned no temperature (sampling skipped)");
    }

    /// <inheritdoc />
    protected override IDisposable Binding => binding;
}
