using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors.I2c;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>Opens the configured chip: the bus device, the guard around it and the driver; <c>Auto</c> probes first.</summary>
public sealed partial class ChipConnector(SensorOptions options, I2cDeviceFactory open, ILogger? logger = null)
{
    readonly ILogger logger = logger ?? NullLogger.Instance;

    /// <summary>What is being connected, for logs before the chip answers.</summary>
    public string Description => options.Type == SensorType.Auto
        ? $"auto-detected sensor on {LinuxI2c.BusPath(options.I2cBus)}"
        : $"{options.Type} at 0x{Address(options.Type):X2} on {LinuxI2c.BusPath(options.I2cBus)}";

    /// <summary>The chips the last <c>Auto</c> probe found (empty for a configured type).</summary>
    public IReadOnlyList<FoundChip> LastProbe { get; private set; } = [];

    /// <summary>
    /// Opens and sets up the chip. Throws <see cref="SensorSetupException"/> for mistakes retrying will not cure,
    /// <see cref="IOException"/> when nothing answers.
    /// </summary>
    public IChip Connect()
    {
        try
        {
            return ConnectCore();
        }
        catch (IOException ex) when (I2cErrors.IsPermissionDenied(ex))
        {
            // Some System.Device.Gpio versions open /dev/i2c-N at the first transfer, not in I2cDevice.Create.
            throw SensorSetupException.PermissionDenied(options.I2cBus, ex);
        }
        catch (IOException ex) when (I2cErrors.IsMissing(ex))
        {
            throw SensorSetupException.BusMissing(options.I2cBus, ex);
        }
    }

    IChip ConnectCore()
    {
        var type = options.Type;
        var address = options.ParsedI2cAddress;
        if (type == SensorType.Auto)
        {
            LastProbe = ChipProbe.Scan(open, options.I2cBus);
            var chosen = LastProbe.FirstOrDefault(c => address is null || c.Address == address)
                ?? throw new IOException($"no supported chip answers on {LinuxI2c.BusPath(options.I2cBus)} (probed {ChipProbe.ProbedAddresses})");
            (type, address) = (chosen.Type, chosen.Address);
            LogProbed(this.logger, LinuxI2c.BusPath(options.I2cBus), string.Join(", ", LastProbe.Select(c => $"{c.Type} at 0x{c.Address:X2}")), chosen.Type, chosen.Address);
        }

        var device = new GuardedI2cDevice(open(options.I2cBus, address ?? ChipCatalog.DefaultAddress(type)));
        try
        {
            return ChipCatalog.Create(type, device);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    int Address(SensorType type) => options.ParsedI2cAddress ?? ChipCatalog.DefaultAddress(type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor__Type Auto: found {Found} on {Bus}; using the {Type} at 0x{Address:X2}")]
    private static partial void LogProbed(ILogger logger, string bus, string found, SensorType type, int address);
}
