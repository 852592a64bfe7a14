using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace IotHub.Certificates;

/// <summary>
/// Loads a device identity from a PFX/PKCS#12 file (with password) or from a PEM certificate (which may carry the
/// chain) plus a PEM private key. Every failure is a <see cref="CertificateException"/> naming the setting and the fix.
/// </summary>
public static class ClientIdentityLoader
{
    /// <summary>The HResult the PKCS#12 loader gives a password that does not open the file (Win32 ERROR_INVALID_PASSWORD).</summary>
    internal const int InvalidPasswordHResult = unchecked((int)0x80070056);

    /// <summary>Loads the identity.</summary>
    /// <param name="certificatePath">PFX or PEM certificate file.</param>
    /// <param name="password">PFX password, or the password of an encrypted PEM key; null when none.</param>
    /// <param name="privateKeyPath">PEM private key; null when the certificate file is a PFX or carries the key.</param>
    /// <param name="names">The settings to name in error messages.</param>
    public static ClientIdentity Load(string certificatePath, string? password, string? privateKeyPath, CertificateSettingNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var bytes = CertificateFile.ReadAllBytes(certificatePath, names.Certificate);
        if (bytes.Length == 0)
        {
            // Not "a PFX": an empty file is one being written, or truncated by a failed copy.
            throw new CertificateException($"{names.Certificate}: '{certificatePath}' is empty; write the device certificate (PFX or PEM) to it.");
        }

        var identity = CertificateFile.IsPem(bytes)
            ? LoadPem(certificatePath, Encoding.UTF8.GetString(bytes), password, privateKeyPath, names)
            : LoadPfx(certificatePath, bytes, password, privateKeyPath, names);
        if (DeviceCertificateRules.Problem(identity.Certificate) is { } problem)
        {
            identity.Dispose();
            throw new CertificateException($"{names.Certificate}: {problem} ('{certificatePath}'); use the device certificate this CA issued.");
        }

        return identity;
    }

    static ClientIdentity LoadPfx(string path, byte[] bytes, string? password, string? privateKeyPath, CertificateSettingNames names)
    {
        if (!string.IsNullOrEmpty(privateKeyPath))
        {
            throw new CertificateException(
                $"{names.PrivateKey}: '{privateKeyPath}' is set, but '{path}' is a PFX, which carries its own key; unset {names.PrivateKey} (or use a PEM certificate with it).");
        }

        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(bytes, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex) when (ex.HResult == InvalidPasswordHResult)
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

    static ClientIdentity LoadPem(string certificatePath, string pem, string? password, string? privateKeyPath, CertificateSettingNames names)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateException($"{names.Certificate}: '{certificatePath}' holds a malformed PEM certificate; export it again as PEM.", ex);
        }

        if (certificates.Count == 0)
        {
            throw new CertificateException($"{names.Certificate}: '{certificatePath}' holds no PEM CERTIFICATE block; point it to the device certificate.");
        }

        var key = string.IsNullOrEmpty(privateKeyPath)
            ? new PemKeyFile(certificatePath, pem, names.Certificate)
            : new PemKeyFile(privateKeyPath, CertificateFile.ReadAllText(privateKeyPath, names.PrivateKey), names.PrivateKey);
        if (string.IsNullOrEmpty(privateKeyPath) && !key.HasKeyBlock)
        {
            throw new CertificateException(
                $"{names.PrivateKey}: the certificate '{certificatePath}' is PEM and carries no private key; set {names.PrivateKey} to the device's PEM key file.");
        }

        using var leaf = certificates[0];
        var withKey = key.AttachTo(leaf, password, names.Password);
        var chain = new X509Certificate2Collection();
        for (var i = 1; i < certificates.Count; i++)
        {
            chain.Add(certificates[i]);
        }

        return new ClientIdentity(withKey, chain);
    }
}
