using EdgeSensorModule.Sensors.I2c;

namespace EdgeSensorModule.Tests.Sensors.Emulators;

/// <summary>Sensirion command sets: which commands the chips take and how wide they are.</summary>
public enum SensirionChip
{
    /// <summary>SHT3x: 16-bit commands; 0x2400 measures (high repeatability, no clock stretching).</summary>
    Sht3x,

    /// <summary>SHT4x: 8-bit commands; 0xFD measures (high precision), 0x89 reads the serial number.</summary>
    Sht4x,

    /// <summary>SHTC3: 16-bit commands, wake-up 0x3517 before anything; 0x7866 measures T first.</summary>
    Shtc3,
}

/// <summary>
/// A Sensirion humidity sensor: a command selects the answer of the next read, words sent big-endian each
/// followed by its CRC-8 (SHT3x datasheet 4.4, 4.12). Raw words are set by the test.
/// </summary>
public sealed class SensirionEmulator(SensirionChip chip, int address) : ChipEmulator(address)
{
    readonly Lock gate = new();
    byte[] answer = [];
    bool awake = chip != SensirionChip.Shtc3;

    /// <summary>Raw temperature word of the next measurement.</summary>
    public ushort RawTemperature { get; set; } = 0x6666;

    /// <summary>Raw humidity word of the next measurement.</summary>
    public ushort RawHumidity { get; set; } = 0x8000;

    /// <summary>When true, the temperature word's CRC is sent wrong (a disturbed transfer).</summary>
    public bool CorruptCrc { get; set; }

    /// <summary>Measurements to come, each a raw temperature and whether its CRC arrives corrupted; then the properties rule.</summary>
    public Queue<(ushort RawTemperature, bool CorruptCrc)> Script { get; } = new();

    /// <summary>Measurements taken.</summary>
    public int Measurements { get; private set; }

    /// <inheritdoc />
    protected override void OnWrite(ReadOnlySpan<byte> data)
    {
        lock (gate)
        {
            var command = chip == SensirionChip.Sht4x ? data[0] : (data[0] << 8) | data[1];
            if (chip == SensirionChip.Shtc3 && !awake && command != 0x3517)
            {
                throw RemoteIoError(); // asleep: the SHTC3 acknowledges nothing but wake-up (datasheet 5.2)
            }

            answer = (chip, command) switch
            {
                (SensirionChip.Sht3x, 0x2400) or (SensirionChip.Sht4x, 0xFD or 0xF6 or 0xE0) or (SensirionChip.Shtc3, 0x7866) => Measure(),
                (SensirionChip.Sht3x, 0xF32D) => Words(0x8010),
                (SensirionChip.Sht4x, 0x89) => Words(0x1234, 0x5678),
                (SensirionChip.Shtc3, 0xEFC8) => Words(0x0887),
                (SensirionChip.Shtc3, 0x3517) => Wake(),
                (SensirionChip.Shtc3, 0xB098) => Sleep(),
                (SensirionChip.Sht3x, 0x30A2 or 0x306D or 0x3066) or (SensirionChip.Sht4x, 0x94) or (SensirionChip.Shtc3, 0x805D) => [],
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
                throw RemoteIoError(); // no measurement pending: the chip NACKs the read header
            }

            answer.AsSpan(0, buffer.Length).CopyTo(buffer);
            answer = [];
        }
    }

    byte[] Measure()
    {
        Measurements++;
        var (raw, corrupt) = Script.TryDequeue(out var next) ? next : (RawTemperature, CorruptCrc);
        var words = Words(raw, RawHumidity);
        if (corrupt)
        {
            words[2] ^= 0x5A;
        }

        return words;
    }

    byte[] Wake()
    {
        awake = true;
        return [];
    }

    byte[] Sleep()
    {
        awake = false;
        return [];
    }

    /// <summary>Words, each followed by its CRC.</summary>
    public static byte[] Words(params ushort[] words)
    {
        var bytes = new byte[words.Length * 3];
        for (var i = 0; i < words.Length; i++)
        {
            bytes[i * 3] = (byte)(words[i] >> 8);
            bytes[(i * 3) + 1] = (byte)words[i];
            bytes[(i * 3) + 2] = SensirionCrc.Compute(bytes.AsSpan(i * 3, 2));
        }

        return bytes;
    }
}
