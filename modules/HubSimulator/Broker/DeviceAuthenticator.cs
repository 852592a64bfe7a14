using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HubSimulator.Registry;
using IotHub.Certificates;
using IotHub.Protocol;

namespace HubSimulator.Broker;

/// <summary>The hub's answer to a CONNECT: accepted, or refused with the reason written to the log.</summary>
/// <param name="Accepted">True when the device may connect.</param>
/// <param name="Reason">Why it was refused; what it authenticated as when accepted.</param>
public sealed record ConnectDecision(bool Accepted, string Reason)
{
    /// <summary>Refused with CONNACK 5 (not authorized), as IoT Hub refuses.</summary>
    public static ConnectDecision Refuse(string reason) => new(false, reason);
}

/// <summary>
/// IoT Hub's X.509 rules for a device's MQTT CONNECT or AMQP link: the MQTT username names the client id as device id, the device is
/// registered, its certificate is within its validity period, and it matches the registration: a chain to a
/// verified CA with CN = device id (CA signed), or a registered SHA-1 / SHA-256 thumbprint (self-signed).
/// </summary>
public sealed class DeviceAuthenticator(DeviceRegistry registry, TimeProvider clock)
{
    /// <summary>Judges a CONNECT.</summary>
    public ConnectDecision Authenticate(string clientId, string? username, X509Certificate2? certificate, IReadOnlyList<X509Certificate2> sentChain)
    {
        ArgumentNullException.ThrowIfNull(sentChain);
        if (!MqttConnectionIdentity.TryParseUsername(username, out _, out var usernameDevice))
        {
            return ConnectDecision.Refuse($"username '{username}' is not of the form {{host}}/{{deviceId}}/?api-version={MqttConnectionIdentity.ApiVersion}");
        }

        if (usernameDevice != clientId)
        {
            return ConnectDecision.Refuse($"client id '{clientId}' is not the device id '{usernameDevice}' named in the username");
        }

        return AuthenticateDevice(clientId, certificate, sentChain);
    }

    /// <summary>
    /// Judges a device by its TLS client certificate alone: for AMQP, where an X.509 device names itself only in its
    /// link addresses (no SASL, no CBS), and for MQTT after its CONNECT's names are checked.
    /// </summary>
    public ConnectDecision AuthenticateDevice(string deviceId, X509Certificate2? certificate, IReadOnlyList<X509Certificate2> sentChain)
    {
        ArgumentNullException.ThrowIfNull(sentChain);
        if (registry.FindDevice(deviceId) is not { } device)
        {
            return ConnectDecision.Refuse($"device '{deviceId}' is not registered");
        }

        if (certificate is null)
        {
            return ConnectDecision.Refuse("no client certificate was presented");
        }

        if (DeviceCertificateRules.Problem(certificate) is { } notADevice)
        {
            return ConnectDecision.Refuse(notADevice);
        }

        var now = clock.GetUtcNow();
        var validity = CertificateValidity.Check(certificate, now);
        if (validity != ValidityState.Valid)
        {
            return ConnectDecision.Refuse(CertificateValidity.Describe(certificate, validity, now, "client certificate"));
        }

        return device.Authentication == DeviceAuthentication.SelfSigned
            ? CheckThumbprint(device, certificate)
            : CheckCaSigned(device, certificate, sentChain, now);
    }

    static ConnectDecision CheckThumbprint(DeviceRecord device, X509Certificate2 certificate)
    {
        var sha1 = certificate.GetCertHashString(HashAlgorithmName.SHA1);
        var sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        string?[] registered = [device.PrimaryThumbprint, device.SecondaryThumbprint];
        return registered.Any(t => t is not null && (t == sha1 || t == sha256))
            ? new ConnectDecision(true, $"self-signed, thumbprint {sha1}")
            : ConnectDecision.Refuse($"certificate thumbprint {sha1} (SHA-256 {sha256}) is not registered for device '{device.DeviceId}'");
    }

    ConnectDecision CheckCaSigned(DeviceRecord device, X509Certificate2 certificate, IReadOnlyList<X509Certificate2> sentChain, DateTimeOffset now)
    {
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (commonName != device.DeviceId)
        {
            return ConnectDecision.Refuse($"certificate CN '{commonName}' is not the device id '{device.DeviceId}'");
        }

        var cas = registry.CertificateAuthorities();
        var verified = Load(cas.Where(c => c.Status == CaStatus.Verified));
        var result = ChainVerifier.Verify(certificate, sentChain, verified, now);
        if (result.IsTrusted)
        {
            return new ConnectDecision(true, $"CA signed, chain to '{result.Chain[^1].Subject}'");
        }

        foreach (var unverified in cas.Where(c => c.Status == CaStatus.Unverified))
        {
            if (ChainVerifier.Verify(certificate, sentChain, Load([unverified]), now).IsTrusted)
            {
                return ConnectDecision.Refuse($"CA '{unverified.Name}' that signed the certificate is registered but not verified (proof of possession missing)");
            }
        }

        return ConnectDecision.Refuse($"the certificate does not chain to a registered, verified CA: {result.Problem}");
    }

    static X509Certificate2Collection Load(IEnumerable<CaRecord> cas)
    {
        var collection = new X509Certificate2Collection();
        foreach (var ca in cas)
        {
            collection.Add(X509Certificate2.CreateFromPem(ca.CertificatePem));
        }

        return collection;
    }
}
