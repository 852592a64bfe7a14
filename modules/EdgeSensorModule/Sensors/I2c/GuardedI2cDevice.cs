using System.Device.I2c;

namespace EdgeSensorModule.Sensors.I2c;

/// <summary>
/// Sits between a binding and the bus. It stops a binding that outlived its read's deadline at its next transfer
/// (the AHT20 binding polls its busy bit forever otherwise), and it watches the bytes read during one
/// measurement: an all-0xFF answer (SDA stuck high, no chip pulling it low) decodes into plausible numbers in
/// some bindings, and the SHT3x binding hides CRC failures, so the drivers check the raw bytes here.
/// </summary>
public sealed class GuardedI2cDevice(I2cDevice inner) : I2cDevice
{
    CancellationToken deadline;
    long bytesRead;
    bool onlyOnes = true;
    byte[] lastRead = [];
    bool disposed;

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings => inner.ConnectionSettings;

    /// <summary>True when at least one byte was read since <see cref="Begin"/> and every one was 0xFF.</summary>
    public bool ReadOnlyOnes => bytesRead > 0 && onlyOnes;

    /// <summary>The bytes of the last read transfer.</summary>
    public ReadOnlySpan<byte> LastRead => lastRead;

    /// <summary>Starts watching one measurement; transfers after <paramref name="cancellation"/> fires throw.</summary>
    public void Begin(CancellationToken cancellation)
    {
        deadline = cancellation;
        bytesRead = 0;
        onlyOnes = true;
        lastRead = [];
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        deadline.ThrowIfCancellationRequested();
        inner.Read(buffer);
        Record(buffer);
    }

    /// <inheritdoc />
    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        deadline.ThrowIfCancellationRequested();
        inner.Write(buffer);
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        deadline.ThrowIfCancellationRequested();
        inner.WriteRead(writeBuffer, readBuffer);
        Record(readBuffer);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    void Record(ReadOnlySpan<byte> buffer)
    {
        bytesRead += buffer.Length;
        onlyOnes &= !buffer.ContainsAnyExcept((byte)0xFF);
        lastRead = buffer.ToArray();
    }
}
