using System.Device.I2c;
using EdgeSensorModule.Sensors.I2c;

namespace EdgeSensorModule.Tests.Sensors.Emulators;

/// <summary>An I2C bus with emulated chips on it; an address with no chip NACKs, as on a real bus.</summary>
public sealed class EmulatedBus
{
    readonly Dictionary<int, ChipEmulator> chips = [];

    /// <summary>The bus number the factory answers for.</summary>
    public int Number { get; init; } = 1;

    /// <summary>Thrown by every open, as System.Device.Gpio reports a bus it cannot open.</summary>
    public IOException? OpenError { get; set; }

    /// <summary>Opens counted per address.</summary>
    public Dictionary<int, int> Opens { get; } = [];

    /// <summary>Puts <paramref name="chip"/> on the bus at its address.</summary>
    public EmulatedBus With(ChipEmulator chip)
    {
        ArgumentNullException.ThrowIfNull(chip);
        chips[chip.ConnectionSettings.DeviceAddress] = chip;
        return this;
    }

    /// <summary>The factory the module uses instead of <c>/dev/i2c-N</c>.</summary>
    public I2cDeviceFactory Factory => Open;

    I2cDevice Open(int bus, int address)
    {
        if (bus != Number)
        {
            throw new IOException($"Error 2 (No such file or directory). Can not open I2C device file '/dev/i2c-{bus}'.");
        }

        if (OpenError is { } error)
        {
            throw error;
        }

        Opens[address] = Opens.GetValueOrDefault(address) + 1;
        return chips.TryGetValue(address, out var chip) ? chip : new Nobody(address, bus);
    }

    /// <summary>No chip at this address.</summary>
    sealed class Nobody(int address, int bus) : ChipEmulator(address, bus)
    {
        protected override void OnWrite(ReadOnlySpan<byte> data) => throw RemoteIoError();

        protected override void OnRead(Span<byte> buffer) => throw RemoteIoError();
    }
}
