namespace EdgeSensorModule.Sensors.Resilience;

/// <summary>How the sensor is doing.</summary>
public enum SensorState
{
    /// <summary>No read attempted yet.</summary>
    Starting,

    /// <summary>The last read gave a reading.</summary>
    Healthy,

    /// <summary>The chip answers but the last read failed (bus error, CRC, implausible data); retried each read.</summary>
    Failing,

    /// <summary>The chip is not reachable; reconnection is retried with backoff.</summary>
    Unavailable,
}

/// <summary>A consistent copy of <see cref="SensorHealth"/> for logs and, later, the module twin.</summary>
public sealed record SensorHealthSnapshot(
    SensorState State,
    string? LastError,
    int ConsecutiveFailures,
    long Reads,
    long Failures,
    DateTimeOffset? LastReadingAt);

/// <summary>Counters and state of the sensor. Written by the sampling loop, read by anyone.</summary>
public sealed class SensorHealth
{
    readonly Lock gate = new();
    SensorHealthSnapshot current = new(SensorState.Starting, null, 0, 0, 0, null);

    /// <summary>The state now.</summary>
    public SensorHealthSnapshot Snapshot
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>Counts one read's result.</summary>
    public void Record(SensorResult result, bool chipConnected)
    {
        lock (gate)
        {
            current = result.Reading is { } reading
                ? current with
                {
                    State = SensorState.Healthy,
                    ConsecutiveFailures = 0,
                    Reads = current.Reads + 1,
                    LastReadingAt = reading.Timestamp,
                }
                : current with
                {
                    State = chipConnected ? SensorState.Failing : SensorState.Unavailable,
                    LastError = $"{result.Failure}: {result.Error}",
                    ConsecutiveFailures = current.ConsecutiveFailures + 1,
                    Reads = current.Reads + 1,
                    Failures = current.Failures + 1,
                };
        }
    }
}
