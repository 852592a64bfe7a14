using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.Configuration;
using IotHub.Certificates;

namespace EdgeSensorModule.HubConnection;

/// <summary>The server CAs the device trusts; null anchors mean the operating system's store.</summary>
/// <param name="Anchors">CA certificates from <c>Device__TrustBundlePath</c>, or null.</param>
public sealed record ServerTrust(X509Certificate2Collection? Anchors)
{
    /// <summary>Loads <c>Device__TrustBundlePath</c> when set.</summary>
    public static ServerTrust Load(DeviceOptions device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new(string.IsNullOrWhiteSpace(device.TrustBundlePath) ? null : TrustBundle.Load(device.TrustBundlePath, "Device__TrustBundlePath"));
    }
}

/// <summary>Loads and checks the device's certificate: at startup, so a setup mistake stops the module at once, and at each rotation.</summary>
public static class DeviceIdentity
{
    /// <summary>
    /// Loads the identity from the <c>Device__*</c> settings and checks it: the key must be the certificate's, the CN
    /// must equal <c>Device__Id</c>, the certificate must not have expired, and the issuers the file carries must
    /// chain it. (A certificate not yet valid is accepted here: at startup the clock may be behind.) With DPS
    /// (<paramref name="provisioned"/>) an unset <c>Device__Id</c> becomes the CN: the registration id, and the device
    /// id DPS gives devices of an enrollment group.
    /// </summary>
    public static ClientIdentity Load(DeviceOptions device, DateTimeOffset now, bool provisioned = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        var identity = ClientIdentityLoader.Load(device.CertificatePath, Password(device), device.PrivateKeyPath, CertificateSettingNames.Device);
        try
        {
            if (provisioned && string.IsNullOrWhiteSpace(device.Id))
            {
                device.Id = identity.CommonName;
            }

            if (!string.Equals(identity.CommonName, device.Id, StringComparison.Ordinal))
            {
                throw new CertificateException(
                    $"Device__Id '{device.Id}' does not match the certificate's CN '{identity.CommonName}' ({device.CertificatePath}): IoT Hub requires them to be equal; "
                    + "set Device__Id to the CN or issue a certificate for this device id.");
            }

            var validity = CertificateValidity.Check(identity.Certificate, now);
            if (validity == ValidityState.Expired)
            {
                throw new CertificateException(CertificateValidity.Describe(identity.Certificate, ValidityState.Expired, now, "Device__CertificatePath"));
            }

            CheckChain(identity, validity == ValidityState.NotYetValid ? identity.Certificate.NotBefore.ToUniversalTime() : now, device.CertificatePath);
            return identity;
        }
        catch
        {
            identity.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a renewed identity to replace the one in use: <see cref="Load"/>'s checks, and it must be valid now (the
    /// clock is trusted by then: the module has been connecting with it). Throws <see cref="NotYetValidException"/>
    /// for a certificate whose validity starts later.
    /// </summary>
    public static ClientIdentity LoadReplacement(DeviceOptions device, DateTimeOffset now)
    {
        var identity = Load(device, now);
        if (CertificateValidity.Check(identity.Certificate, now) == ValidityState.NotYetValid)
        {
            var notBefore = new DateTimeOffset(identity.Certificate.NotBefore.ToUniversalTime());
            var line = CertificateValidity.Describe(identity.Certificate, ValidityState.NotYetValid, now, "Device__CertificatePath");
            identity.Dispose();
            throw new NotYetValidException(line, notBefore);
        }

        return identity;
    }

    /// <summary>
    /// The issuers in the file (intermediates, perhaps the root) must chain the certificate: a renewal written with the
    /// old CA's chain, or an intermediate that has expired, would be refused by the hub. A file with the certificate alone
    /// (self-signed, or a CA the hub holds) has nothing to check here.
    /// </summary>
    static void CheckChain(ClientIdentity identity, DateTimeOffset at, string path)
    {
        if (identity.Chain.Count == 0)
        {
            return;
        }

        var verification = ChainVerifier.Verify(identity.Certificate, identity.Chain, identity.Chain, at);
        if (!verification.IsTrusted)
        {
            throw new CertificateException(
                $"Device__CertificatePath: the CA certificates in '{path}' do not chain the device certificate '{identity.Certificate.Subject}': {verification.Problem}; "
                + "put the device certificate first, followed by the intermediates of the CA that issued it.");
        }
    }

    static string? Password(DeviceOptions device)
    {
        if (string.IsNullOrEmpty(device.CertificatePasswordFile))
        {
            return string.IsNullOrEmpty(device.CertificatePassword) ? null : device.CertificatePassword;
        }

        return PasswordFile.ReadFirstLine(device.CertificatePasswordFile, "Device__CertificatePasswordFile");
    }
}

/// <summary>A renewed certificate that becomes valid only later; the rotation takes it when it does.</summary>
public sealed class NotYetValidException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NotYetValidException(string message, DateTimeOffset notBefore)
        : base(message) => NotBefore = notBefore;

    /// <summary>Creates the exception.</summary>
    public NotYetValidException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public NotYetValidException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NotYetValidException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>When the certificate becomes valid.</summary>
    public DateTimeOffset NotBefore { get; }
}
