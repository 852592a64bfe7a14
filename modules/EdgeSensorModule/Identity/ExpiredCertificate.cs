using System.Globalization;
using EdgeSensorModule.HubConnection;
using IotHub.Certificates;

namespace EdgeSensorModule.Identity;

/// <summary>
/// Tells an expired certificate apart from other refusals, for every transport: a hub that refuses the device (in the
/// TLS handshake or at CONNECT) after the certificate's NotAfter refuses it for that, and the user must renew it, not
/// check the registration.
/// </summary>
public static class ExpiredCertificate
{
    /// <summary>
    /// <paramref name="failure"/> as <see cref="HubErrorCode.ClientCertificateExpired"/> when the hub refused the device
    /// and <paramref name="certificate"/> had expired at <paramref name="now"/>; otherwise <paramref name="failure"/> itself.
    /// </summary>
    public static HubException Classify(HubException failure, CertificateSummary certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(certificate);
        var refused = failure.ErrorCode is HubErrorCode.NotAuthorized or HubErrorCode.ClientCertificateRejected;
        return refused && certificate.Remaining(now) <= TimeSpan.Zero
            ? new HubException(HubErrorCode.ClientCertificateExpired, Describe(certificate), failure)
            : failure;
    }

    /// <summary>The one line for a refused, expired certificate.</summary>
    public static string Describe(CertificateSummary certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return string.Create(CultureInfo.InvariantCulture,
            $"The hub refused the device certificate '{certificate.Subject}': it expired on {certificate.NotAfter:yyyy-MM-dd HH:mm} UTC. Renew it (same CN) and write it over Device__CertificatePath: the module switches to it without a restart.");
    }
}
