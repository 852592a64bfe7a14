using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>Whether a certificate is valid at a given time, told in words a user can act on.</summary>
public enum ValidityState
{
    /// <summary>Now is within NotBefore..NotAfter.</summary>
    Valid,

    /// <summary>Now is before NotBefore: often a clock not yet synchronised (a Pi has no RTC).</summary>
    NotYetValid,

    /// <summary>Now is after NotAfter.</summary>
    Expired,
}

/// <summary>Checks a certificate's validity period.</summary>
public static class CertificateValidity
{
    /// <summary>The state of <paramref name="certificate"/> at <paramref name="now"/>.</summary>
    public static ValidityState Check(X509Certificate2 certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
        {
            return ValidityState.NotYetValid;
        }

        return now.UtcDateTime > certificate.NotAfter.ToUniversalTime() ? ValidityState.Expired : ValidityState.Valid;
    }

    /// <summary>A one-line explanation of a state other than <see cref="ValidityState.Valid"/>.</summary>
    public static string Describe(X509Certificate2 certificate, ValidityState state, DateTimeOffset now, string setting)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return state switch
        {
            ValidityState.Expired =>
                $"{setting}: the certificate '{certificate.Subject}' expired on {Format(certificate.NotAfter)}; issue a new device certificate.",
            ValidityState.NotYetValid =>
                $"{setting}: the certificate '{certificate.Subject}' is not valid before {Format(certificate.NotBefore)} and the system clock says {Format(now.UtcDateTime)}; "
                + "if this device has no real-time clock, wait for time synchronisation (NTP), otherwise fix the clock.",
            _ => $"{setting}: the certificate '{certificate.Subject}' is valid.",
        };
    }

    static string Format(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
