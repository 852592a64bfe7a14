using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>
/// What a user (the twin, the metrics, <c>cert inspect</c>, the simulator's connections) needs to know of a certificate,
/// read once so that it stays readable after the certificate itself is disposed.
/// </summary>
/// <param name="Subject">Distinguished name of the subject.</param>
/// <param name="Issuer">Distinguished name of the issuer.</param>
/// <param name="Thumbprint">SHA-256 thumbprint, upper-case hex.</param>
/// <param name="Sha1Thumbprint">SHA-1 thumbprint, upper-case hex: what the Azure portal shows for self-signed devices.</param>
/// <param name="NotBefore">Start of validity, UTC.</param>
/// <param name="NotAfter">End of validity, UTC.</param>
public sealed record CertificateSummary(string Subject, string Issuer, string Thumbprint, string Sha1Thumbprint, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>Reads the summary of <paramref name="certificate"/>.</summary>
    public static CertificateSummary Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new(
            certificate.Subject,
            certificate.Issuer,
            certificate.GetCertHashString(HashAlgorithmName.SHA256),
            certificate.GetCertHashString(HashAlgorithmName.SHA1),
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
    }

    /// <summary>Time left until <see cref="NotAfter"/> at <paramref name="now"/>; negative once expired.</summary>
    public TimeSpan Remaining(DateTimeOffset now) => NotAfter - now;

    /// <summary>Whole days left at <paramref name="now"/> (rounded down; negative once expired).</summary>
    public int DaysLeft(DateTimeOffset now) => (int)Math.Floor(Remaining(now).TotalDays);
}
