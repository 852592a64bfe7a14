using EdgeSensorModule.Configuration;
using EdgeSensorModule.Sensors.I2c;

namespace EdgeSensorModule.Sensors.Drivers;

/// <summary>A chip found by <see cref="ChipProbe"/>.</summary>
public sealed record FoundChip(SensorType Type, int Address);

/// <summary>
/// <c>Sensor__Type=Auto</c>: asks each usual address for its chip id, with commands that change nothing on the
/// chips (register or id reads). Only answers that carry a valid id or CRC count.
/// </summary>
public static class ChipProbe
{
    /// <summary>Each chip family (by one of its types) with its identification; addresses from <see cref="ChipCatalog"/>.</summary>
    static readonly (SensorType Family, Func<GuardedI2cDevice, SensorType?> Identify)[] Families =
    [
        (SensorType.Bme280, Bosch), (SensorType.Sht3x, Sht), (SensorType.Shtc3, Shtc3),
        (SensorType.Si7021, Si7021), (SensorType.Aht20, Aht20),
    ];

    static readonly (int Address, Func<GuardedI2cDevice, SensorType?> Identify)[] Candidates =
        [.. Families.SelectMany(f => ChipCatalog.Addresses(f.Family).Select(address => (address, f.Identify)))];

    /// <summary>The addresses the probe asks, in order, as an error message names them ("0x76, 0x77, ...").</summary>
    public static string ProbedAddresses { get; } = string.Join(", ", Candidates.Select(c => $"0x{c.Address:x2}"));

    /// <summary>Every supported chip answering on <paramref name="bus"/>, in probe order.</summary>
    public static IReadOnlyList<FoundChip> Scan(I2cDeviceFactory open, int bus)
    {
        ArgumentNullException.ThrowIfNull(open);
        var found = new List<FoundChip>();
        foreach (var (address, identify) in Candidates)
        {
            using var device = new GuardedI2cDevice(open(bus, address));
            try
            {
                if (identify(device) is { } type)
                {
                    found.Add(new(type, address));
                }
            }
            catch (IOException)
            {
                // Nothing at this address (NACK): the usual answer of a probe.
            }
        }

        return found;
    }

    static SensorType? Bosch(GuardedI2cDevice device) => Bmx280Identity.Read(device) switch
    {
        Bmx280Identity.Bme280 => SensorType.Bme280,
        Bmx280Identity.Bmp280 => SensorType.Bmp280,
        _ => null,
    };

    static SensorType? Sht(GuardedI2cDevice device)
    {
        // SHT3x "read status register" 0xF32D answers one word + CRC (datasheet 4.11).
        Span<byte> status = stackalloc byte[3];
        if (TryCommand(device, [0xF3, 0x2D], status) && SensirionCrc.Compute(status[..2]) == status[2])
        {
            return SensorType.Sht3x;
        }

        // SHT4x "read serial number" 0x89 answers two words + CRCs (datasheet 4.5).
        Span<byte> serial = stackalloc byte[6];
        return TryCommand(device, [0x89], serial) && SensirionCrc.IsValidPair(serial) ? SensorType.Sht4x : null;
    }

    static SensorType? Shtc3(GuardedI2cDevice device)
    {
        device.Write([0x35, 0x17]); // wake-up
        Thread.Sleep(1); // the SHTC3 needs 240 µs to wake (datasheet 5.2)
        Span<byte> id = stackalloc byte[3];
        device.Write([0xEF, 0xC8]);
        device.Read(id);
        var word = (id[0] << 8) | id[1];
        return SensirionCrc.Compute(id[..2]) == id[2] && (word & 0x083F) == 0x0807 ? SensorType.Shtc3 : null;
    }

    static SensorType? Si7021(GuardedI2cDevice device)
    {
        // User register 1: bits 5..3 are reserved and read 1 (datasheet 6, reset value 0x3A).
        device.WriteByte(0xE7);
        return (device.ReadByte() & 0x38) == 0x38 && !device.ReadOnlyOnes ? SensorType.Si7021 : null;
    }

    static SensorType? Aht20(GuardedI2cDevice device)
    {
        // Status byte: bit 3 "calibrated" is set on a working AHT20 (datasheet 5.3); 0xFF is a floating bus.
        device.WriteByte(0x71);
        var status = device.ReadByte();
        return status != 0xFF && (status & 0x08) != 0 ? SensorType.Aht20 : null;
    }

    static bool TryCommand(GuardedI2cDevice device, ReadOnlySpan<byte> command, Span<byte> answer)
    {
        try
        {
            device.Write(command);
            device.Read(answer);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
