using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace IotHub.Certificates;

/// <summary>Writes certificates and keys in the formats devices and brokers read: PEM, full-chain PEM, PFX.</summary>
public static class CertificateExport
{
    /// <summary>PEM of the certificates, in order (leaf first for a full chain).</summary>
    public static string ToPem(params IEnumerable<X509Certificate2> certificates)
    {
        var builder = new StringBuilder();
        foreach (var certificate in certificates)
        {
            builder.Append(certificate.ExportCertificatePem()).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>The private key as unencrypted PKCS#8 PEM.</summary>
    public static string PrivateKeyToPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
            ?? throw new CertificateException($"The certificate '{certificate.Subject}' has no RSA or ECDSA private key to export.");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>
    /// A PFX/PKCS#12 with the certificate, its key and the chain, encrypted with AES-256 (readable by OpenSSL 3 and
    /// .NET).
    /// </summary>
    public static byte[] ToPfx(X509Certificate2 certificate, IEnumerable<X509Certificate2> chain, string password)
    {
        var collection = new X509Certificate2Collection(certificate);
        foreach (var issuer in chain)
        {
            collection.Add(issuer);
        }

        return collection.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
    }

    /// <summary>Writes a file readable only by its owner (private keys, PFX files).</summary>
    public static void WritePrivateFile(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
