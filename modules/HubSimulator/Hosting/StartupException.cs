namespace HubSimulator.Hosting;

/// <summary>The simulator cannot start as configured: one line naming the setting and the fix (exit code 2).</summary>
public sealed class StartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StartupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StartupException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The line for a port another program holds.</summary>
    public static StartupException PortInUse(string setting, string address, int port, Exception cause) =>
        new($"{setting}: {address}:{port} is in use by another program; stop it, or choose a free port with {setting}.", cause);
}
