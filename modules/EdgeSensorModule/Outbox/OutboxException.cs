namespace EdgeSensorModule.Outbox;

/// <summary>The outbox cannot be opened (folder not writable, in use, not a folder); the message is the one line a user reads.</summary>
public sealed class OutboxException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutboxException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutboxException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutboxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
