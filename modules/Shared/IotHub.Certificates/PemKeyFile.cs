using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>A PEM private key file and how to attach its key to a certificate, with one-line errors naming the setting.</summary>
/// <param name="Path">The file, for messages.</param>
/// <param name="Pem">Its text.</param>
/// <param name="Setting">The setting that points to it.</param>
internal sealed record PemKeyFile(string Path, string Pem, string Setting)
{
    /// <summary>True when the file holds a PEM private key block of any format.</summary>
    public bool HasKeyBlock => Pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);

    /// <summary>PKCS#8 encrypted ("BEGIN ENCRYPTED PRIVATE KEY"), the encrypted format .NET reads.</summary>
    bool IsPkcs8Encrypted => Pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);

    /// <summary>OpenSSL's legacy encryption (<c>-traditional</c>): PEM headers "Proc-Type: 4,ENCRYPTED" and "DEK-Info".</summary>
    bool IsLegacyEncrypted => LegacyPemKey.IsEncrypted(Pem);

    /// <summary>A copy of <paramref name="certificate"/> with this key; the key must be the certificate's.</summary>
    public X509Certificate2 AttachTo(X509Certificate2 certificate, string? password, string passwordSetting)
    {
        if (!HasKeyBlock)
        {
            throw new CertificateException($"{Setting}: '{Path}' holds no PEM PRIVATE KEY block; point it to the device's private key.");
        }

        if ((IsPkcs8Encrypted || IsLegacyEncrypted) && string.IsNullOrEmpty(password))
        {
            throw new CertificateException($"{passwordSetting}: the private key '{Path}' is encrypted; set {passwordSetting} to its password.");
        }

        using var publicKey = certificate.GetRSAPublicKey() as AsymmetricAlgorithm ?? certificate.GetECDsaPublicKey()
            ?? throw new CertificateException($"{Setting}: the certificate '{certificate.Subject}' uses an unsupported key type; use RSA or ECDSA.");
        using AsymmetricAlgorithm key = publicKey is RSA ? RSA.Create() : ECDsa.Create();
        Import(key, certificate, password, passwordSetting);
        if (!key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(publicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new CertificateException(
                $"{Setting}: the private key '{Path}' does not match the certificate '{certificate.Subject}'; use the key the certificate was issued for.");
        }

        return key is RSA rsa ? certificate.CopyWithPrivateKey(rsa) : certificate.CopyWithPrivateKey((ECDsa)key);
    }

    void Import(AsymmetricAlgorithm key, X509Certificate2 certificate, string? password, string passwordSetting)
    {
        if (IsLegacyEncrypted)
        {
            ImportLegacy(key, certificate, password!, passwordSetting);
            return;
        }

        try
        {
            if (IsPkcs8Encrypted)
            {
                key.ImportFromEncryptedPem(Pem, password);
            }
            else
            {
                key.ImportFromPem(Pem);
            }
        }
        catch (CryptographicException ex) when (IsPkcs8Encrypted)
        {
            throw new CertificateException($"{passwordSetting}: the password does not decrypt the private key '{Path}'.", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new CertificateException(
                $"{Setting}: the private key '{Path}' is not a key of the certificate's type ({certificate.PublicKey.Oid.FriendlyName}) or is malformed; use the key the certificate was issued for.", ex);
        }
    }

    void ImportLegacy(AsymmetricAlgorithm key, X509Certificate2 certificate, string password, string passwordSetting)
    {
        (string Label, byte[] Der) decrypted;
        try
        {
            decrypted = LegacyPemKey.Decrypt(Pem, password);
        }
        catch (NotSupportedException ex)
        {
            throw new CertificateException(
                $"{Setting}: the private key '{Path}' is encrypted with {ex.Message}, which is not supported; "
                + $"convert it to encrypted PKCS#8: openssl pkcs8 -topk8 -in '{Path}' -out device.key.pem (then set {Setting} to the new file).", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or IndexOutOfRangeException)
        {
            throw new CertificateException($"{passwordSetting}: the password does not decrypt the private key '{Path}'.", ex);
        }

        try
        {
            switch ((key, decrypted.Label))
            {
                case (RSA rsa, "RSA PRIVATE KEY"):
                    rsa.ImportRSAPrivateKey(decrypted.Der, out _);
                    return;
                case (ECDsa ecdsa, "EC PRIVATE KEY"):
                    ecdsa.ImportECPrivateKey(decrypted.Der, out _);
                    return;
            }
        }
        catch (CryptographicException ex)
        {
            // Padding matched by chance under a wrong password leaves bytes that are no key.
            throw new CertificateException($"{passwordSetting}: the password does not decrypt the private key '{Path}'.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decrypted.Der);
        }

        throw new CertificateException(
            $"{Setting}: the private key '{Path}' is not a key of the certificate's type ({certificate.PublicKey.Oid.FriendlyName}); use the key the certificate was issued for.");
    }
}
