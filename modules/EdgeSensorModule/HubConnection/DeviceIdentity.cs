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

/// <summary>Loads and checks the device's certificate at startup, so a setup mistake stops the module at once.</summary>
public static class DeviceIdentity
{
    /// <summary>
    /// Loads the identity from the <c>Device__*</c> settings and checks it: the CN must equal <c>Device__Id</c> and
    /// the certificate must not have expired. (A certificate not yet valid is accepted here: the clock may be behind.)
    /// With DPS (<paramref name="provisioned"/>) an unset <c>Device__Id</c> becomes the CN: the registration id, and
    /// the device id DPS gives devices of an enrollment group.
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

            if (CertificateValidity.Check(identity.Certificate, now) == ValidityState.Expired)
            {
                throw new CertificateException(CertificateValidity.Describe(identity.Certificate, ValidityState.Expired, now, "Device__CertificatePath"));
            }

            return identity;
        }
        catch
        {
            identity.Dispose();
            throw;
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
