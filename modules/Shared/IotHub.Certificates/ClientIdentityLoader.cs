using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>
/// Loads a device identity from a PFX/PKCS#12 file (with password) or from a PEM certificate (which may carry the
/// chain) plus a PEM private key. Every failure is a <see cref="CertificateException"/> naming the setting and the fix.
/// </summary>
public static class ClientIdentityLoader
{
    /// <summary>Loads the identity.</summary>
    /// <param name="certificatePath">PFX or PEM certificate file.</param>
    /// <param name="password">PFX password, or the password of an encrypted PEM key; null when none.</param>
    /// <param name="privateKeyPath">PEM private key; null when the certificate file is a PFX or carries the key.</param>
    /// <param name="names">The settings to name in error messages.</param>
    public static ClientIdentity Load(string certificatePath, string? password, string? privateKeyPath, CertificateSettingNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var bytes = CertificateFile.ReadAllBytes(certificatePath, names.Certificate);
        return CertificateFile.IsPem(bytes)
            ? LoadPem(certificatePath, password, privateKeyPath, names)
            : LoadPfx(certificatePath, bytes, password, names);
    }

    static ClientIdentity LoadPfx(string path, byte[] bytes, string? password, CertificateSettingNames names)
    {
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(bytes, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex) when (IsPasswordFailure(ex))
        {
            throw new CertificateException(password is null
                ? $"{names.Certificate}: '{path}' is a password-protected PFX; set {names.Password} (or {names.Password}File) to its password."
                : $"{names.Password}: the password does not open the PFX '{path}'; set the password the PFX was exported with.", ex);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateException(
                $"{names.Certificate}: '{path}' is neither a PFX/PKCS#12 file nor a PEM certificate; export the device certificate as PFX or PEM.", ex);
        }

        var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new CertificateException($"{names.Certificate}: the PFX '{path}' holds no private key; export it with the device's private key.");
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (!ReferenceEquals(certificate, leaf))
            {
                chain.Add(certificate);
            }
        }

        return new ClientIdentity(leaf, chain);
    }

    static bool IsPasswordFailure(CryptographicException ex) =>
        ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase)
        || ex.InnerException?.Message.Contains("password", StringComparison.OrdinalIgnoreCase) == true
        || ex.Message.Contains("MAC", StringComparison.Ordinal);

    static ClientIdentity LoadPem(string certificatePath, string? password, string? privateKeyPath, CertificateSettingNames names)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(certificatePath);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateException($"{names.Certificate}: '{certificatePath}' holds a malformed PEM certificate; export it again as PEM.", ex);
        }

        if (certificates.Count == 0)
        {
            throw new CertificateException($"{names.Certificate}: '{certificatePath}' holds no PEM CERTIFICATE block; point it to the device certificate.");
        }

        var leaf = certificates[0];
        var keyPath = privateKeyPath;
        var keySetting = names.PrivateKey;
        if (string.IsNullOrEmpty(keyPath))
        {
            if (!CertificateFile.ReadAllText(certificatePath, names.Certificate).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                throw new CertificateException(
                    $"{names.PrivateKey}: the certificate '{certificatePath}' is PEM and carries no private key; set {names.PrivateKey} to the device's PEM key file.");
            }

            keyPath = certificatePath;
            keySetting = names.Certificate;
        }

        var withKey = AttachPrivateKey(leaf, CertificateFile.ReadAllText(keyPath, keySetting), keyPath, keySetting, password, names);
        var chain = new X509Certificate2Collection();
        for (var i = 1; i < certificates.Count; i++)
        {
            chain.Add(certificates[i]);
        }

        leaf.Dispose();
        return new ClientIdentity(withKey, chain);
    }

    static X509Certificate2 AttachPrivateKey(
        X509Certificate2 certificate, string keyPem, string keyPath, string keySetting, string? password, CertificateSettingNames names)
    {
        if (!keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new CertificateException($"{keySetting}: '{keyPath}' holds no PEM PRIVATE KEY block; point it to the device's private key.");
        }

        var encrypted = keyPem.Contains("BEGIN ENCRYPTED PRIVATE KEY", StringComparison.Ordinal);
        if (encrypted && string.IsNullOrEmpty(password))
        {
            throw new CertificateException($"{names.Password}: the private key '{keyPath}' is encrypted; set {names.Password} to its password.");
        }

        try
        {
            if (certificate.GetRSAPublicKey() is { } rsaPublic)
            {
                rsaPublic.Dispose();
                using var rsa = RSA.Create();
                Import(rsa, keyPem, encrypted, password);
                return certificate.CopyWithPrivateKey(rsa);
            }

            if (certificate.GetECDsaPublicKey() is { } ecPublic)
            {
                ecPublic.Dispose();
                using var ecdsa = ECDsa.Create();
                Import(ecdsa, keyPem, encrypted, password);
                return certificate.CopyWithPrivateKey(ecdsa);
            }
        }
        catch (ArgumentException ex)
        {
            throw new CertificateException(
                $"{keySetting}: the private key '{keyPath}' does not match the certificate '{certificate.Subject}'; use the key the certificate was issued for.", ex);
        }
        catch (CryptographicException ex) when (encrypted)
        {
            throw new CertificateException($"{names.Password}: the password does not decrypt the private key '{keyPath}'.", ex);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateException(
                $"{keySetting}: the private key '{keyPath}' is not a key of the certificate's type ({certificate.PublicKey.Oid.FriendlyName}) or is malformed; use the key the certificate was issued for.", ex);
        }

        throw new CertificateException($"{names.Certificate}: the certificate '{certificate.Subject}' uses an unsupported key type; use RSA or ECDSA.");
    }

    static void Import(AsymmetricAlgorithm key, string pem, bool encrypted, string? password)
    {
        if (encrypted)
        {
            key.ImportFromEncryptedPem(pem, password);
        }
        else
        {
            key.ImportFromPem(pem);
        }
    }
}
