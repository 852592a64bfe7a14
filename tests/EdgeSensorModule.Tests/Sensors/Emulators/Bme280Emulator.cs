namespace EdgeSensorModule.Tests.Sensors.Emulators;

/// <summary>
/// The BME280 / BMP280 register map (BME280 datasheet 5.3-5.4): a register pointer set by the first byte written,
/// auto-increment on reads, (register, value) pairs on writes, soft reset 0xE0=0xB6, and ctrl_meas 0xF4 whose
/// forced mode (01/10) takes one measurement into 0xF7..0xFE and returns to sleep (00).
/// Loaded with the Bosch datasheet's compensation example.
/// </summary>
public sealed class Bme280Emulator : ChipEmulator
{
    /// <summary>Calibration 0x88..0x9F of the datasheet example (T1..T3, P1..P9).</summary>
    public static readonly byte[] TemperaturePressureCalibration =
        [0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC, 0x7D, 0x8E, 0x43, 0xD6, 0xD0, 0x0B, 0x27, 0x0B, 0x8C, 0x00, 0xF9, 0xFF, 0x8C, 0x3C, 0xF8, 0xC6, 0x70, 0x17];

    /// <summary>Humidity calibration 0xE1..0xE7 (H2..H6).</summary>
    public static readonly byte[] HumidityCalibration = [0x62, 0x01, 0x00, 0x15, 0x03, 0x00, 0x1E];

    /// <summary>Data 0xF7..0xFE: raw P 415148, raw T 519888, raw H 30000.</summary>
    public static readonly byte[] DatasheetData = [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00, 0x75, 0x30];

    /// <summary>Data registers after power-on, before any measurement (0x80000 / 0x8000).</summary>
    static readonly byte[] PowerOnData = [0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00];

    const byte CtrlMeas = 0xF4;
    const byte Data = 0xF7;

    readonly Lock gate = new();
    readonly byte[] registers = new byte[256];
    byte[] environment = DatasheetData;
    byte pointer;

    /// <summary>A BME280 (chip id 0x60) or, with <paramref name="chipId"/> 0x58, a BMP280.</summary>
    public Bme280Emulator(int address = 0x76, byte chipId = 0x60)
        : base(address)
    {
        TemperaturePressureCalibration.CopyTo(registers, 0x88);
        registers[0xA1] = 0x4B; // H1
        HumidityCalibration.CopyTo(registers, 0xE1);
        registers[0xD0] = chipId;
        PowerOnData.CopyTo(registers, Data);
    }

    /// <summary>Forced measurements taken.</summary>
    public int Measurements { get; private set; }

    /// <summary>
    /// When true the chip runs in normal mode (ctrl_meas mode 11, set by some other program): it measures
    /// continuously, so the binding reads the data registers without forcing a measurement or waiting for one.
    /// </summary>
    public bool NormalMode { get; set; }

    /// <summary>When true, measurements no longer update the data registers (a stuck chip).</summary>
    public bool Frozen { get; set; }

    /// <summary>What the next measurement reads: 8 bytes as in 0xF7..0xFE.</summary>
    public void SetEnvironment(byte[] data)
    {
        lock (gate)
        {
            environment = data;
        }
    }

    /// <summary>Raw 20-bit temperature for the next measurement, the rest as in the datasheet.</summary>
    public void SetRawTemperature(int raw)
    {
        var data = (byte[])DatasheetData.Clone();
        data[3] = (byte)(raw >> 12);
        data[4] = (byte)(raw >> 4);
        data[5] = (byte)((raw & 0xF) << 4);
        SetEnvironment(data);
    }

    /// <inheritdoc />
    protected override void OnWrite(ReadOnlySpan<byte> data)
    {
        lock (gate)
        {
            pointer = data[0];
            for (var i = 0; i + 1 < data.Length; i += 2)
            {
                WriteRegister(data[i], data[i + 1]);
            }
        }
    }

    /// <inheritdoc />
    protected override void OnRead(Span<byte> buffer)
    {
        lock (gate)
        {
            if (NormalMode)
            {
                registers[CtrlMeas] |= 0b11;
                if (!Frozen)
                {
                    environment.CopyTo(registers, Data);
                }
            }

            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = registers[pointer++];
            }
        }
    }

    void WriteRegister(byte register, byte value)
    {
        if (register == 0xE0)
        {
            if (value == 0xB6)
            {
                registers[0xF2] = registers[CtrlMeas] = registers[0xF5] = 0; // soft reset: sleep mode
            }

            return;
        }

        registers[register] = value;
        if (register == CtrlMeas && (value & 0b11) is 0b01 or 0b10)
        {
            Measurements++;
            if (!Frozen)
            {
                environment.CopyTo(registers, Data);
            }

            registers[CtrlMeas] = (byte)(value & ~0b11); // back to sleep when done
        }
    }
}
