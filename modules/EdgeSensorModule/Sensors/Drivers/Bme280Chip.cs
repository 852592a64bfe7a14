using EdgeSensorModule.Sensors.I2c;
using Iot.Device.Bmxx80;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>
/// BME280 (temperature, humidity, pressure). Reads with <c>Read()</c>, which forces a fresh measurement:
/// <c>TryReadTemperature</c> would return stale power-on data.
/// </summary>
public sealed class Bme280Chip : I2cChip
{
    readonly Bme280 binding;

    /// <summary>Checks the chip id, then sets the chip up through the binding (soft reset, x1 oversampling).</summary>
    public Bme280Chip(GuardedI2cDevice device)
        : base("BME280", device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Bmx280Identity.Expect(device, Bmx280Identity.Bme280, "Bme280");
        binding = new Bme280(device);
    }

    /// <inheritdoc />
    protected override ChipMeasurement MeasureCore()
    {
        var result = binding.Read();
        if (result.Temperature is not { } temperature || result.Humidity is not { } humidity)
        {
            throw new ChipDataException(SensorFailureKind.Implausible, "the BME280 returned no temperature or humidity (sampling skipped)");
        }

        return new(temperature.DegreesCelsius, humidity.Percent);
    }

    /// <inheritdoc />
    protected override IDisposable Binding => binding;
}
