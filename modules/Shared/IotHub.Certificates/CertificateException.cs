namespace IotHub.Certificates;

/// <summary>
/// A certificate or key that cannot be used, with a one-line message that names the setting or file and the fix.
/// Messages never contain key material or passwords.
/// </summary>
public sealed class CertificateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CertificateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause (kept for debug logging only).</summary>
    public CertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CertificateException()
    {
    }
}
