using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>
/// What may identify a device, one definition for the module and the simulator: a CA certificate issued by another
/// CA (basic constraints CA:true, e.g. an intermediate) is not a device. A self-signed certificate may carry CA:true:
/// <c>openssl req -x509</c> adds it, and IoT Hub accepts such certificates for thumbprint (self-signed) devices.
/// </summary>
public static class DeviceCertificateRules
{
    /// <summary>Why <paramref name="certificate"/> cannot identify a device, or null when it can.</summary>
    public static string? Problem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var isCa = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(c => c.CertificateAuthority);
        var selfIssued = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
        return isCa && !selfIssued
            ? $"the certificate '{certificate.Subject}' is a CA certificate (basic constraints CA:true), not a device certificate"
            : null;
    }
}
