using EdgeSensorModule.Sensors.I2c;
using Iot.Device.Ahtxx;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>
/// AHT20. The binding polls the busy bit with no limit; a stuck chip is stopped by the guarded device, whose
/// transfers throw once the read's deadline has passed.
/// </summary>
public sealed class Aht20Chip : I2cChip
{
    readonly Aht20 binding;

    /// <summary>Soft-resets and, when the chip asks for it, calibrates it through the binding.</summary>
    public Aht20Chip(GuardedI2cDevice device)
        : base("AHT20", device) => binding = new Aht20(device);

    /// <inheritdoc />
    protected override ChipMeasurement MeasureCore()
    {
        // Each call runs a measurement of its own.
        var temperature = binding.GetTemperature().DegreesCelsius;
        var humidity = binding.GetHumidity().Percent;
        return new(temperature, humidity);
    }

    /// <inheritdoc />
    protected override IDisposable Binding => binding;
}
