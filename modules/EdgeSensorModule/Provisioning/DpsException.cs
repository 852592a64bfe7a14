namespace EdgeSensorModule.Provisioning;

/// <summary>Why DPS did not assign the device; decides what the device does next.</summary>
public enum DpsFailure
{
    /// <summary>The DPS host cannot be reached, or the connection broke.</summary>
    Unreachable,

    /// <summary>DPS is busy or failing (5xx): try again later.</summary>
    ServiceUnavailable,

    /// <summary>Too many requests (429): wait the service's retry-after.</summary>
    Throttled,

    /// <summary>The id scope names no DPS instance.</summary>
    UnknownIdScope,

    /// <summary>No enrollment matches the device.</summary>
    NoEnrollment,

    /// <summary>The matching enrollment (individual or group) is disabled.</summary>
    EnrollmentDisabled,

    /// <summary>The certificate is not accepted: its CA is not verified, or the chain does not reach an enrolled CA.</summary>
    Unauthorized,

    /// <summary>DPS answered something this device does not understand, or gave up.</summary>
    Failed,
}

/// <summary>A provisioning failure, classified, with the one line to log.</summary>
public sealed class DpsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DpsException(DpsFailure failure, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates an unclassified exception.</summary>
    public DpsException()
    {
    }

    /// <summary>Creates an unclassified exception.</summary>
    public DpsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an unclassified exception.</summary>
    public DpsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kind of failure.</summary>
    public DpsFailure Failure { get; } = DpsFailure.Failed;

    /// <summary>How long DPS asked the device to wait, when it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True when asking again later may succeed without anyone changing DPS.</summary>
    public bool IsTransient => Failure is DpsFailure.Unreachable or DpsFailure.ServiceUnavailable or DpsFailure.Throttled;
}
