using System.Collections.Concurrent;

namespace EdgeSensorModule.Sensors.I2c;

/// <summary>
/// One lock per I2C bus: the bindings are not thread-safe and a transfer must not interleave with another on the
/// same bus. Held by whoever talks to the bus, released when the transfer's thread is done with it (even after
/// the caller gave up waiting on a hung read).
/// </summary>
public sealed class I2cBusLocks : IDisposable
{
    readonly ConcurrentDictionary<int, SemaphoreSlim> locks = new();

    /// <summary>The lock of bus <paramref name="bus"/>.</summary>
    public SemaphoreSlim For(int bus) => locks.GetOrAdd(bus, _ => new SemaphoreSlim(1, 1));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var semaphore in locks.Values)
        {
            semaphore.Dispose();
        }
    }
}
