namespace EdgeSensorModule.Tests.Sensors.Emulators;

/// <summary>
/// The Si7021 command set (datasheet 5, 6): 0xE3/0xE5 measure temperature/humidity (hold master), 0xE7/0xE6
/// read/write user register 1 (reset value 0x3A). Answers are 2 bytes, MSB first.
/// </summary>
public sealed class Si7021Emulator() : ChipEmulator(0x40)
{
    readonly Lock gate = new();
    byte userRegister = 0x3A;
    byte[] answer = [];

    /// <summary>Raw temperature code of the next measurement.</summary>
    public ushort RawTemperature { get; set; } = 0x6664;

    /// <summary>Raw humidity code of the next measurement.</summary>
    public ushort RawHumidity { get; set; } = 0x7A3E;

    /// <inheritdoc />
    protected override void OnWrite(ReadOnlySpan<byte> data)
    {
        lock (gate)
        {
            answer = data[0] switch
            {
                0xE3 => [(byte)(RawTemperature >> 8), (byte)RawTemperature],
                0xE5 => [(byte)(RawHumidity >> 8), (byte)RawHumidity],
                0xE7 => [userRegister],
                0xE6 when data.Length == 2 => SetUserRegister(data[1]),
                0xFE => [],
                _ => throw RemoteIoError(),
            };
        }
    }

    /// <inheritdoc />
    protected override void OnRead(Span<byte> buffer)
    {
        lock (gate)
        {
            if (answer.Length < buffer.Length)
            {
                throw RemoteIoError();
            }

            answer.AsSpan(0, buffer.Length).CopyTo(buffer);
        }
    }

    byte[] SetUserRegister(byte value)
    {
        userRegister = value;
        return [];
    }
}
