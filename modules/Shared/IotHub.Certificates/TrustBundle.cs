using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>A PEM file of CA certificates that a peer's certificate must chain to.</summary>
public static class TrustBundle
{
    /// <summary>Loads every certificate of a PEM bundle.</summary>
    public static X509Certificate2Collection Load(string path, string setting)
    {
        var text = CertificateFile.ReadAllText(path, setting);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateException($"{setting}: '{path}' holds a malformed PEM certificate; it must be PEM CA certificates.", ex);
        }

        if (certificates.Count == 0)
        {
            throw new CertificateException($"{setting}: '{path}' holds no PEM CERTIFICATE block; it must be PEM CA certificates.");
        }

        return certificates;
    }
}
