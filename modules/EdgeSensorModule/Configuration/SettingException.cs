namespace EdgeSensorModule.Configuration;

/// <summary>A setting's value cannot be used; the message is the one line that names the setting and the fix.</summary>
public sealed class SettingException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public SettingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and the cause (kept for debug logging).</summary>
    public SettingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public SettingException()
        : this("A setting is not valid.")
    {
    }
}
