using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>
/// A device's X.509 identity: its certificate with the private key, and the CA certificates it must present in the
/// TLS handshake so the hub can chain it to the registered CA.
/// </summary>
public sealed class ClientIdentity : IDisposable
{
    /// <summary>Creates an identity; takes ownership of the certificates.</summary>
    public ClientIdentity(X509Certificate2 certificate, X509Certificate2Collection chain)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(chain);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The identity certificate must carry its private key.", nameof(certificate));
        }

        Certificate = certificate;
        Chain = chain;
    }

    /// <summary>The device certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Issuers to send with the certificate (intermediates, possibly the root).</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>The subject's common name: IoT Hub requires it to equal the device id for CA-signed devices.</summary>
    public string CommonName => Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var certificate in Chain)
        {
            certificate.Dispose();
        }
    }
}
