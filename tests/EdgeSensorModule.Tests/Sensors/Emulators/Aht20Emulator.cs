namespace EdgeSensorModule.Tests.Sensors.Emulators;

/// <summary>
/// The AHT20 (datasheet 5.3-5.5): 0xBA soft reset, 0xBE 0x08 0x00 calibrate, 0xAC 0x33 0x00 trigger; every read
/// starts with the status byte (bit 7 busy, bit 3 calibrated), followed after a measurement by 20-bit humidity
/// and 20-bit temperature.
/// </summary>
public sealed class Aht20Emulator() : ChipEmulator(0x38)
{
    const byte Busy = 0x80;
    const byte Calibrated = 0x08;

    readonly Lock gate = new();
    byte status = 0x18; // calibrated, as shipped
    int busyPollsLeft;

    /// <summary>Raw 20-bit humidity of the next measurement (2^20 = 100 %).</summary>
    public int RawHumidity { get; set; } = 0x80000;

    /// <summary>Raw 20-bit temperature of the next measurement (T = raw / 2^20 · 200 − 50).</summary>
    public int RawTemperature { get; set; } = 0x66666;

    /// <summary>Status reads that say busy after each trigger.</summary>
    public int BusyPolls { get; set; } = 1;

    /// <summary>When true the busy bit never clears (the chip hangs a binding that waits for it forever).</summary>
    public bool StuckBusy { get; set; }

    /// <summary>Measurements triggered.</summary>
    public int Triggers { get; private set; }

    /// <inheritdoc />
    protected override void OnWrite(ReadOnlySpan<byte> data)
    {
        lock (gate)
        {
            switch (data[0])
            {
                case 0xBA:
                    status = (byte)(status & ~Busy);
                    break;
                case 0xBE:
                    status |= Calibrated;
                    break;
                case 0xAC:
                    Triggers++;
                    status |= Busy;
                    busyPollsLeft = BusyPolls;
                    break;
                case 0x71:
                    break;
                default:
                    throw RemoteIoError();
            }
        }
    }

    /// <inheritdoc />
    protected override void OnRead(Span<byte> buffer)
    {
        lock (gate)
        {
            if ((status & Busy) != 0 && !StuckBusy && busyPollsLeft-- <= 0)
            {
                status = (byte)(status & ~Busy);
            }

            Span<byte> frame =
            [
                status,
                (byte)(RawHumidity >> 12), (byte)(RawHumidity >> 4),
                (byte)(((RawHumidity & 0xF) << 4) | ((RawTemperature >> 16) & 0xF)),
                (byte)(RawTemperature >> 8), (byte)RawTemperature,
            ];
            frame[..Math.Min(buffer.Length, frame.Length)].CopyTo(buffer);
        }
    }
}
