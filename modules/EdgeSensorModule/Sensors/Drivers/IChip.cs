using EdgeSensorModule.Sensors.I2c;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>What one measurement of a chip gave, in °C and %RH (null when the chip measures no humidity).</summary>
public readonly record struct ChipMeasurement(double TemperatureCelsius, double? RelativeHumidityPercent);

/// <summary>
/// One chip behind its dotnet/iot binding. Synchronous and blocking like the bindings; not thread-safe.
/// Bus errors surface as <see cref="IOException"/>; bad data the driver detects as <see cref="ChipDataException"/>.
/// </summary>
public interface IChip : IDisposable
{
    /// <summary>For logs, e.g. "BME280 at 0x76 on /dev/i2c-1".</summary>
    string Description { get; }

    /// <summary>Takes one fresh measurement; transfers stop once <paramref name="deadline"/> fires.</summary>
    ChipMeasurement Measure(CancellationToken deadline);
}

/// <summary>The chip answered, but with data that must not be sent (CRC mismatch, all 0xFF, impossible values).</summary>
public sealed class ChipDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChipDataException(SensorFailureKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>Creates an exception of kind <see cref="SensorFailureKind.Implausible"/>.</summary>
    public ChipDataException()
        : this(SensorFailureKind.Implausible, "The chip's data is implausible.")
    {
    }

    /// <summary>Creates an exception of kind <see cref="SensorFailureKind.Implausible"/>.</summary>
    public ChipDataException(string message)
        : this(SensorFailureKind.Implausible, message)
    {
    }

    /// <summary>Creates an exception of kind <see cref="SensorFailureKind.Implausible"/>.</summary>
    public ChipDataException(string message, Exception inner)
        : base(message, inner) => Kind = SensorFailureKind.Implausible;

    /// <summary>What was wrong.</summary>
    public SensorFailureKind Kind { get; }
}

/// <summary>
/// The part every I2C driver shares: the guarded device, its description, and the all-0xFF check after each
/// measurement. A driver subclass adapts one binding and fixes its traps.
/// </summary>
public abstract class I2cChip(string chipName, GuardedI2cDevice device) : IChip
{
    /// <summary>The device the binding talks through.</summary>
    protected GuardedI2cDevice Device { get; } = device;

    /// <inheritdoc />
    public string Description { get; } =
        $"{chipName} at 0x{device.ConnectionSettings.DeviceAddress:X2} on {LinuxI2c.BusPath(device.ConnectionSettings.BusId)}";

    /// <inheritdoc />
    public ChipMeasurement Measure(CancellationToken deadline)
    {
        Device.Begin(deadline);
        ChipMeasurement measurement;
        try
        {
            measurement = MeasureCore();
        }
        catch (ChipDataException) when (Device.ReadOnlyOnes)
        {
            throw AllOnes();
        }

        return Device.ReadOnlyOnes ? throw AllOnes() : measurement;
    }

    static ChipDataException AllOnes() => new(SensorFailureKind.Implausible,
        "the bus answered 0xFF only (no chip pulling SDA low: check wiring, power and pull-ups)");

    /// <summary>One measurement through the binding.</summary>
    protected abstract ChipMeasurement MeasureCore();

    /// <summary>The binding, disposed with the chip.</summary>
    protected abstract IDisposable Binding { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the binding and the device.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Binding?.Dispose(); // null when the binding's constructor threw
            Device.Dispose();
        }
    }
}
