using System.Device.I2c;

namespace EdgeSensorModule.Tests.Sensors.Emulators;

/// <summary>What a faulty chip or bus does to the next transfers.</summary>
public enum BusFault
{
    /// <summary>The chip answers as its datasheet says.</summary>
    None,

    /// <summary>No ACK: every transfer fails with error 121, as when the chip is unplugged.</summary>
    Nack,

    /// <summary>Writes are acknowledged, every byte read is 0xFF (SDA stuck high).</summary>
    AllOnes,

    /// <summary>Transfers block until <see cref="ChipEmulator.Release"/> (a chip holding SCL low), then NACK.</summary>
    Hang,
}

/// <summary>
/// A chip on an emulated I2C bus, subclassing <see cref="I2cDevice"/> so the real dotnet/iot bindings talk to it.
/// Subclasses implement the chip's register map or command set from its datasheet; this base injects bus faults
/// the way Linux reports them ("Error 121 (Remote I/O error) performing I2C data transfer.").
/// </summary>
public abstract class ChipEmulator(int address, int bus = 1) : I2cDevice
{
    readonly ManualResetEventSlim released = new(false);
    int nackNext;
    int transfers;
    int faultsInjected;
    volatile BusFault fault;

    /// <summary>The fault now in force; may be changed from any thread.</summary>
    public BusFault Fault
    {
        get => fault;
        set => fault = value;
    }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; } = new(bus, address);

    /// <summary>Transfers attempted so far (including failed ones).</summary>
    public int Transfers => Volatile.Read(ref transfers);

    /// <summary>Transfers that failed or read 0xFF because of an injected fault.</summary>
    public int FaultsInjected => Volatile.Read(ref faultsInjected);

    /// <summary>How many handles the drivers disposed (each re-creation disposes one).</summary>
    public int Disposals { get; private set; }

    /// <summary>The next <paramref name="count"/> transfers fail with error 121, as the Pi does now and then.</summary>
    public void NackNext(int count) => Interlocked.Exchange(ref nackNext, count);

    /// <summary>Lets hung transfers return (with a NACK).</summary>
    public void Release() => released.Set();

    /// <summary>The error Linux reports for a transfer the chip did not acknowledge.</summary>
    public static IOException RemoteIoError() => new("Error 121 (Remote I/O error) performing I2C data transfer.");

    /// <summary>The chip receives <paramref name="data"/>.</summary>
    protected abstract void OnWrite(ReadOnlySpan<byte> data);

    /// <summary>The chip fills <paramref name="buffer"/>.</summary>
    protected abstract void OnRead(Span<byte> buffer);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Enter();
        if (Fault != BusFault.AllOnes)
        {
            OnWrite(buffer);
        }
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        Enter();
        if (Fault == BusFault.AllOnes)
        {
            Interlocked.Increment(ref faultsInjected);
            buffer.Fill(0xFF);
            return;
        }

        OnRead(buffer);
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    /// <inheritdoc />
    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <summary>The chip outlives the handles the drivers open and dispose.</summary>
    protected override void Dispose(bool disposing)
    {
        Disposals++;
        base.Dispose(disposing);
    }

    void Enter()
    {
        Interlocked.Increment(ref transfers);
        switch (Fault)
        {
            case BusFault.Nack:
                Interlocked.Increment(ref faultsInjected);
                throw RemoteIoError();
            case BusFault.Hang:
                released.Wait(TimeSpan.FromSeconds(30));
                Interlocked.Increment(ref faultsInjected);
                throw RemoteIoError();
        }

        if (Interlocked.Decrement(ref nackNext) >= 0)
        {
            Interlocked.Increment(ref faultsInjected);
            throw RemoteIoError();
        }

        Interlocked.CompareExchange(ref nackNext, 0, -1);
    }
}
