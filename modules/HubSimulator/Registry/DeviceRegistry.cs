using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using IotHub.Certificates;

namespace HubSimulator.Registry;

/// <summary>
/// The hub's identity registry: CA certificates with their proof-of-possession lifecycle (upload → Unverified →
/// verification code → verification certificate → Verified) and X.509 devices. Thread-safe; saved to the state file
/// after every change when one is configured.
/// </summary>
public sealed class DeviceRegistry
{
    static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true };

    readonly Lock gate = new();
    readonly RegistryState state;
    readonly string? stateFile;

    /// <summary>Creates the registry, loading <paramref name="stateFile"/> when it exists.</summary>
    public DeviceRegistry(string? stateFile = null)
    {
        this.stateFile = string.IsNullOrWhiteSpace(stateFile) ? null : stateFile;
        state = this.stateFile is not null && File.Exists(this.stateFile)
            ? JsonSerializer.Deserialize<RegistryState>(File.ReadAllText(this.stateFile), StateJson) ?? new RegistryState()
            : new RegistryState();
    }

    /// <summary>Raised after every change of a CA or device (the dashboard's live feed).</summary>
    public event Action? Changed;

    /// <summary>Uploads a CA certificate; it starts Unverified.</summary>
    public CaRecord AddCa(string name, string certificatePem)
    {
        DeviceIds.Check(name, "name");
        using var certificate = ParseCertificate(certificatePem, "certificatePem");
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            throw new RegistryException(400, $"'{certificate.Subject}' is not a CA certificate (basicConstraints CA:true missing); upload the root or intermediate CA, not a device certificate.");
        }

        var record = new CaRecord
        {
            Name = name,
            CertificatePem = certificate.ExportCertificatePem(),
            Subject = certificate.Subject,
            Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256),
            Status = CaStatus.Unverified,
        };
        lock (gate)
        {
            if (state.CertificateAuthorities.Any(c => c.Name == name))
            {
                throw new RegistryException(409, $"A CA named '{name}' is already registered; choose another name.");
            }

            state.CertificateAuthorities.Add(record);
            Save();
        }

        return record;
    }

    /// <summary>Hands out a new verification code for a CA (the portal's "Generate verification code").</summary>
    public string NewVerificationCode(string name)
    {
        lock (gate)
        {
            var ca = FindCa(name);
            ca.VerificationCode = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            Save();
            return ca.VerificationCode;
        }
    }

    /// <summary>
    /// Proof of possession: the certificate's CN must be the CA's current verification code and it must be signed by
    /// the CA's key. Marks the CA Verified.
    /// </summary>
    public CaRecord VerifyCa(string name, string verificationCertificatePem)
    {
        using var proof = ParseCertificate(verificationCertificatePem, "certificatePem");
        lock (gate)
        {
            var ca = FindCa(name);
            if (ca.VerificationCode is null)
            {
                throw new RegistryException(400, $"CA '{name}' has no verification code yet; ask for one first (ca code).");
            }

            var commonName = proof.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (commonName != ca.VerificationCode)
            {
                throw new RegistryException(400, $"The verification certificate's CN '{commonName}' is not CA '{name}''s current verification code; make it for code {ca.VerificationCode}.");
            }

            using var caCertificate = X509Certificate2.CreateFromPem(ca.CertificatePem);
            var chain = ChainVerifier.Verify(proof, [], new X509Certificate2Collection(caCertificate));
            if (!chain.IsTrusted || chain.Chain.Count != 2)
            {
                throw new RegistryException(400, $"The verification certificate is not signed by CA '{name}' ({chain.Problem ?? "issued by another CA"}); sign it with that CA's private key.");
            }

            ca.Status = CaStatus.Verified;
            Save();
            return ca;
        }
    }

    /// <summary>Registers a device.</summary>
    public DeviceRecord AddDevice(string deviceId, DeviceAuthentication authentication, string? primaryThumbprint = null, string? secondaryThumbprint = null)
    {
        DeviceIds.Check(deviceId, "deviceId");
        if (authentication == DeviceAuthentication.SelfSigned && string.IsNullOrWhiteSpace(primaryThumbprint))
        {
            throw new RegistryException(400, "A self-signed device needs primaryThumbprint (the certificate's SHA-1 or SHA-256 thumbprint; `cert inspect` prints both).");
        }

        var record = new DeviceRecord
        {
            DeviceId = deviceId,
            Authentication = authentication,
            PrimaryThumbprint = NormalizeThumbprint(primaryThumbprint),
            SecondaryThumbprint = NormalizeThumbprint(secondaryThumbprint),
        };
        lock (gate)
        {
            if (state.Devices.Any(d => d.DeviceId == deviceId))
            {
                throw new RegistryException(409, $"Device '{deviceId}' is already registered.");
            }

            state.Devices.Add(record);
            Save();
        }

        return record;
    }

    /// <summary>Deletes a device (the portal's "Delete device"); its next CONNECT is refused as not registered.</summary>
    public void RemoveDevice(string deviceId)
    {
        lock (gate)
        {
            if (state.Devices.RemoveAll(d => d.DeviceId == deviceId) == 0)
            {
                throw new RegistryException(404, $"Device '{deviceId}' is not registered.");
            }

            Save();
        }
    }

    /// <summary>Records the model id a device announced on connecting; a connection without one leaves the last one.</summary>
    public void RecordModelId(string deviceId, string? modelId)
    {
        if (string.IsNullOrEmpty(modelId))
        {
            return;
        }

        lock (gate)
        {
            if (state.Devices.FirstOrDefault(d => d.DeviceId == deviceId) is { } device && device.ModelId != modelId)
            {
                device.ModelId = modelId;
                Save();
            }
        }
    }

    /// <summary>The device, or null when it is not registered.</summary>
    public DeviceRecord? FindDevice(string deviceId)
    {
        lock (gate)
        {
            return state.Devices.FirstOrDefault(d => d.DeviceId == deviceId);
        }
    }

    /// <summary>Every registered device.</summary>
    public IReadOnlyList<DeviceRecord> Devices()
    {
        lock (gate)
        {
            return [.. state.Devices];
        }
    }

    /// <summary>Every registered CA.</summary>
    public IReadOnlyList<CaRecord> CertificateAuthorities()
    {
        lock (gate)
        {
            return [.. state.CertificateAuthorities];
        }
    }

    /// <summary>True when the CA exists.</summary>
    public bool HasCa(string name)
    {
        lock (gate)
        {
            return state.CertificateAuthorities.Any(c => c.Name == name);
        }
    }

    static X509Certificate2 ParseCertificate(string pem, string field)
    {
        if (string.IsNullOrWhiteSpace(pem) || !pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new RegistryException(400, $"{field} must hold a PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new RegistryException(400, $"{field} holds a malformed PEM certificate: {ex.Message}");
        }
    }

    static string? NormalizeThumbprint(string? thumbprint) =>
        string.IsNullOrWhiteSpace(thumbprint) ? null : thumbprint.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant();

    CaRecord FindCa(string name) => state.CertificateAuthorities.FirstOrDefault(c => c.Name == name)
        ?? throw new RegistryException(404, $"No CA named '{name}' is registered; upload it first (ca add).");

    /// <summary>Writes the state beside the file and renames it over: a crash leaves the old state or the new, never half.</summary>
    void Save()
    {
        Changed?.Invoke();
        if (stateFile is null)
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(stateFile))!;
        Directory.CreateDirectory(folder);
        var temporary = stateFile + ".new";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, StateJson));
        File.Move(temporary, stateFile, overwrite: true);
    }
}
