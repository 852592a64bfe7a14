using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>Key types offered for new certificates.</summary>
public enum KeyType
{
    /// <summary>RSA 2048 bits (what Microsoft's certGen.sh makes).</summary>
    Rsa2048,

    /// <summary>RSA 4096 bits.</summary>
    Rsa4096,

    /// <summary>ECDSA on NIST P-256: small and fast on a Pi.</summary>
    EcdsaP256,
}

/// <summary>Validity and key of a new certificate.</summary>
/// <param name="Validity">How long it is valid from <paramref name="NotBefore"/>.</param>
/// <param name="KeyType">The key to generate.</param>
/// <param name="NotBefore">Start of validity; a minute ago when null (tolerates small clock skew).</param>
public sealed record CertificateSpec(TimeSpan Validity, KeyType KeyType = KeyType.Rsa2048, DateTimeOffset? NotBefore = null)
{
    /// <summary>CA certificates: ten years, so a lab setup does not expire under its users after 30 days.</summary>
    public static CertificateSpec DefaultCa { get; } = new(TimeSpan.FromDays(3650));

    /// <summary>Device and server certificates: one year.</summary>
    public static CertificateSpec DefaultLeaf { get; } = new(TimeSpan.FromDays(365));

    internal DateTimeOffset Start => NotBefore ?? DateTimeOffset.UtcNow.AddMinutes(-1);
}

/// <summary>
/// Makes the certificates of an IoT Hub X.509 setup, with the extensions of Microsoft's certGen.sh: CA certificates
/// (basicConstraints critical CA:true; keyCertSign, cRLSign, digitalSignature), device certificates (CA:false;
/// digitalSignature, keyEncipherment; clientAuth), server certificates and proof-of-possession certificates. SHA-256.
/// </summary>
public static class CertificateFactory
{
    /// <summary>A self-signed root CA.</summary>
    public static X509Certificate2 CreateRootCa(string commonName, CertificateSpec? spec = null)
    {
        spec ??= CertificateSpec.DefaultCa;
        using var key = NewKey(spec.KeyType);
        var request = NewRequest(commonName, key);
        AddCaExtensions(request);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(spec.Start, spec.Start + spec.Validity);
    }

    /// <summary>An intermediate CA signed by <paramref name="issuer"/> (which must carry its private key).</summary>
    public static X509Certificate2 CreateIntermediateCa(X509Certificate2 issuer, string commonName, CertificateSpec? spec = null)
    {
        spec ??= CertificateSpec.DefaultCa;
        return Issue(issuer, commonName, spec, AddCaExtensions);
    }

    /// <summary>A device certificate whose CN is the device id (IoT Hub's rule for CA-signed devices).</summary>
    public static X509Certificate2 CreateDevice(X509Certificate2 issuer, string deviceId, CertificateSpec? spec = null) =>
        Issue(issuer, deviceId, spec ?? CertificateSpec.DefaultLeaf, request => AddLeafExtensions(request, Oids.ClientAuthentication));

    /// <summary>A self-signed device certificate, for devices registered by thumbprint.</summary>
    public static X509Certificate2 CreateSelfSignedDevice(string deviceId, CertificateSpec? spec = null)
    {
        spec ??= CertificateSpec.DefaultLeaf;
        using var key = NewKey(spec.KeyType);
        var request = NewRequest(deviceId, key);
        AddLeafExtensions(request, Oids.ClientAuthentication);
        return request.CreateSelfSigned(spec.Start, spec.Start + spec.Validity);
    }

    /// <summary>
    /// A renewal of the device certificate <paramref name="current"/>: same CN, a new validity from <paramref name="spec"/>,
    /// its key kept (<paramref name="newKey"/> false, the certificate must carry it) or a new one of the same type. Signed
    /// by <paramref name="issuer"/>, or self-signed when it is null (then the hub needs the new thumbprint registered).
    /// </summary>
    public static X509Certificate2 RenewDevice(X509Certificate2 current, X509Certificate2? issuer, CertificateSpec spec, bool newKey)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(spec);
        var commonName = current.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        using var key = newKey ? NewKey(KeyTypeOf(current)) : KeyOf(current);
        void Extend(CertificateRequest request) => AddLeafExtensions(request, Oids.ClientAuthentication);
        if (issuer is not null)
        {
            return Issue(issuer, commonName, spec, Extend, key);
        }

        var request = NewRequest(commonName, key);
        Extend(request);
        return request.CreateSelfSigned(spec.Start, spec.Start + spec.Validity);
    }

    static AsymmetricAlgorithm KeyOf(X509Certificate2 certificate) =>
        (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
        ?? throw new CertificateException($"The certificate '{certificate.Subject}' has no private key here; give its key file to keep the key, or ask for a new key.");

    static KeyType KeyTypeOf(X509Certificate2 certificate) =>
        certificate.GetECDsaPublicKey() is { } ecdsa ? Dispose(ecdsa, KeyType.EcdsaP256)
        : certificate.GetRSAPublicKey() is { } rsa ? Dispose(rsa, rsa.KeySize >= 4096 ? KeyType.Rsa4096 : KeyType.Rsa2048)
        : throw new CertificateException($"The certificate '{certificate.Subject}' uses an unsupported key type; use RSA or ECDSA.");

    static KeyType Dispose(IDisposable key, KeyType type)
    {
        key.Dispose();
        return type;
    }

    /// <summary>A TLS server certificate for the given DNS names and IP addresses.</summary>
    public static X509Certificate2 CreateServer(
        X509Certificate2 issuer, string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, CertificateSpec? spec = null)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        return Issue(issuer, commonName, spec ?? CertificateSpec.DefaultLeaf, request =>
        {
            AddLeafExtensions(request, Oids.ServerAuthentication);
            request.CertificateExtensions.Add(san.Build());
        });
    }

    /// <summary>
    /// The proof-of-possession certificate: CN = the hub's verification code, signed by the CA's private key.
    /// </summary>
    public static X509Certificate2 CreateVerification(X509Certificate2 ca, string verificationCode, CertificateSpec? spec = null) =>
        Issue(ca, verificationCode, spec ?? new CertificateSpec(TimeSpan.FromDays(30)), request => AddLeafExtensions(request, Oids.ClientAuthentication));

    static X509Certificate2 Issue(X509Certificate2 issuer, string commonName, CertificateSpec spec, Action<CertificateRequest> extend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var key = NewKey(spec.KeyType);
        return Issue(issuer, commonName, spec, extend, key);
    }

    static X509Certificate2 Issue(X509Certificate2 issuer, string commonName, CertificateSpec spec, Action<CertificateRequest> extend, AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!issuer.HasPrivateKey)
        {
            throw new CertificateException($"The issuer '{issuer.Subject}' has no private key here; load the CA with its key to sign certificates.");
        }

        var request = NewRequest(commonName, key);
        extend(request);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // A certificate may not outlive its issuer.
        var notAfter = spec.Start + spec.Validity;
        var issuerEnd = new DateTimeOffset(issuer.NotAfter.ToUniversalTime());
        if (notAfter > issuerEnd)
        {
            notAfter = issuerEnd;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(issuer.SubjectName, Signer(issuer), spec.Start, notAfter, serial);
        return Attach(signed, key);
    }

    static X509SignatureGenerator Signer(X509Certificate2 issuer)
    {
        if (issuer.GetRSAPrivateKey() is { } rsa)
        {
            return X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
        }

        if (issuer.GetECDsaPrivateKey() is { } ecdsa)
        {
            return X509SignatureGenerator.CreateForECDsa(ecdsa);
        }

        throw new CertificateException($"The issuer '{issuer.Subject}' has an unsupported key type; use RSA or ECDSA.");
    }

    static X509Certificate2 Attach(X509Certificate2 certificate, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => certificate.CopyWithPrivateKey(rsa),
        ECDsa ecdsa => certificate.CopyWithPrivateKey(ecdsa),
        _ => throw new NotSupportedException(key.GetType().Name),
    };

    static AsymmetricAlgorithm NewKey(KeyType type) => type switch
    {
        KeyType.Rsa2048 => RSA.Create(2048),
        KeyType.Rsa4096 => RSA.Create(4096),
        KeyType.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type."),
    };

    static CertificateRequest NewRequest(string commonName, AsymmetricAlgorithm key)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var name = subject.Build();
        return key switch
        {
            RSA rsa => new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(name, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new NotSupportedException(key.GetType().Name),
        };
    }

    static void AddCaExtensions(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
    }

    static void AddLeafExtensions(CertificateRequest request, string extendedUsage)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedUsage)], critical: false));
    }

    static class Oids
    {
        public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
        public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    }
}
