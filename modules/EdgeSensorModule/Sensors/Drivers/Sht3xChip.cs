using EdgeSensorModule.Sensors.I2c;
using Iot.Device.Sht3x;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>
/// SHT3x (SHT30/31/35). The binding keeps its previous value when a CRC fails (0 °C / 0 % on a fresh instance)
/// and says nothing, so the driver checks the CRCs of the raw answer itself.
/// </summary>
public sealed class Sht3xChip : I2cChip
{
    readonly Sht3x binding;

    /// <summary>Soft-resets the chip through the binding; high repeatability.</summary>
    public Sht3xChip(GuardedI2cDevice device)
        : base("SHT3x", device) => binding = new Sht3x(device, Resolution.High);

    /// <inheritdoc />
    protected override ChipMeasurement MeasureCore()
    {
        // Each property runs a full measurement of its own; each answer is checked.
        var temperature = binding.Temperature.DegreesCelsius;
        ThrowIfCrcFailed();
        var humidity = binding.Humidity.Percent;
        ThrowIfCrcFailed();
        return new(temperature, humidity);
    }

    void ThrowIfCrcFailed()
    {
        if (!SensirionCrc.IsValidPair(Device.LastRead))
        {
            throw new ChipDataException(SensorFailureKind.Checksum, "CRC mismatch in the SHT3x answer (the binding would have repeated its previous value)");
        }
    }

    /// <inheritdoc />
    protected override IDisposable Binding => binding;
}
