namespace EdgeSensorModule.Sensors.I2c;

/// <summary>The CRC-8 of Sensirion sensors: polynomial 0x31, init 0xFF, no reflection (SHT3x datasheet 4.12).</summary>
public static class SensirionCrc
{
    /// <summary>The CRC of <paramref name="data"/>; 0xBE 0xEF gives 0x92.</summary>
    public static byte Compute(ReadOnlySpan<byte> data)
    {
        byte crc = 0xFF;
        foreach (var value in data)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x31) : (byte)(crc << 1);
            }
        }

        return crc;
    }

    /// <summary>True when both words of a 6-byte Sensirion answer (word, CRC, word, CRC) carry their CRC.</summary>
    public static bool IsValidPair(ReadOnlySpan<byte> answer) =>
        answer.Length == 6 && Compute(answer[..2]) == answer[2] && Compute(answer[3..5]) == answer[5];
}
