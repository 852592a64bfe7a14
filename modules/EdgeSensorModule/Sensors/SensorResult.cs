namespace EdgeSensorModule.Sensors;

/// <summary>One measurement.</summary>
/// <param name="TemperatureCelsius">Temperature in °C.</param>
/// <param name="RelativeHumidityPercent">Relative humidity in %; null when the chip measures none.</param>
/// <param name="Timestamp">When it was taken, UTC.</param>
public sealed record SensorReading(double TemperatureCelsius, double? RelativeHumidityPercent, DateTimeOffset Timestamp);

/// <summary>Why a measurement could not be taken.</summary>
public enum SensorFailureKind
{
    /// <summary>The bus or chip did not answer (I2C NACK, error 121 or 110).</summary>
    Communication,

    /// <summary>The chip answered with data that failed its CRC.</summary>
    Checksum,

    /// <summary>The value is outside what the chip can measure.</summary>
    OutOfRange,

    /// <summary>The chip did not finish in time.</summary>
    Timeout,

    /// <summary>The chip answers but its data is implausible (all 0xFF, or frozen).</summary>
    Implausible,

    /// <summary>The device is missing or not accessible; not cured by retrying soon.</summary>
    Unavailable,
}

/// <summary>A measurement or a typed failure.</summary>
public readonly record struct SensorResult
{
    SensorResult(SensorReading? reading, SensorFailureKind failure, string? error)
    {
        Reading = reading;
        Failure = failure;
        Error = error;
    }

    /// <summary>The reading; null on failure.</summary>
    public SensorReading? Reading { get; }

    /// <summary>The kind of failure when <see cref="Reading"/> is null.</summary>
    public SensorFailureKind Failure { get; }

    /// <summary>A one-line description of the failure.</summary>
    public string? Error { get; }

    /// <summary>True when a reading was taken.</summary>
    public bool IsSuccess => Reading is not null;

    /// <summary>A successful result.</summary>
    public static SensorResult Success(SensorReading reading) => new(reading ?? throw new ArgumentNullException(nameof(reading)), default, null);

    /// <summary>A failed result.</summary>
    public static SensorResult Fail(SensorFailureKind kind, string error) => new(null, kind, error);
}
