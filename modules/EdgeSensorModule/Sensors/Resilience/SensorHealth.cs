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

/// <summary>
/// Counters and state of the sensor. Written by the sampling loop (each reading, so no object per reading), read by
/// anyone as a <see cref="SensorHealthSnapshot"/>.
/// </summary>
public sealed class SensorHealth
{
    readonly Lock gate = new();
    SensorState state = SensorState.Starting;
    string? lastError;
    int consecutiveFailures;
    long reads;
    long failures;
    DateTimeOffset? lastReadingAt;

    /// <summary>The state now.</summary>
    public SensorHealthSnapshot Snapshot
    {
        get
        {
            lock (gate)
            {
                return new(state, lastError, consecutiveFailures, reads, failures, lastReadingAt);
            }
        }
    }

    /// <summary>Counts one read's result.</summary>
    public void Record(SensorResult result, bool chipConnected)
    {
        lock (gate)
        {
            reads++;
            if (result.Reading is { } reading)
            {
                state = SensorState.Healthy;
                consecutiveFailures = 0;
                lastReadingAt = reading.Timestamp;
                return;
            }

            state = chipConnected ? SensorState.Failing : SensorState.Unavailable;
            lastError = $"{result.Failure}: {result.Error}";
            consecutiveFailures++;
            failures++;
        }
    }
}
