using System.Text.Json.Serialization;

namespace HubSimulator.Registry;

/// <summary>A CA certificate's state in the hub, as the portal shows it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaStatus>))]
public enum CaStatus
{
    /// <summary>Uploaded; devices it signed are refused until proof of possession.</summary>
    Unverified,

    /// <summary>Proof of possession done: devices it signed may connect.</summary>
    Verified,
}

/// <summary>How a device authenticates (IoT Hub's X.509 authentication types).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeviceAuthentication>))]
public enum DeviceAuthentication
{
    /// <summary>"X.509 CA signed": the chain reaches a verified CA and the CN is the device id.</summary>
    CaSigned,

    /// <summary>"X.509 self-signed": the certificate's SHA-1 or SHA-256 thumbprint is registered.</summary>
    SelfSigned,
}

/// <summary>A CA certificate registered in the hub.</summary>
public sealed class CaRecord
{
    /// <summary>The name it was uploaded under.</summary>
    public required string Name { get; init; }

    /// <summary>The certificate, PEM.</summary>
    public required string CertificatePem { get; init; }

    /// <summary>Subject of the certificate.</summary>
    public required string Subject { get; init; }

    /// <summary>SHA-256 thumbprint, upper-case hex.</summary>
    public required string Thumbprint { get; init; }

    /// <summary>Unverified until a verification certificate proves possession of the key.</summary>
    public CaStatus Status { get; set; }

    /// <summary>The last verification code handed out; null before one is asked for.</summary>
    public string? VerificationCode { get; set; }
}

/// <summary>A device identity registered in the hub.</summary>
public sealed class DeviceRecord
{
    /// <summary>The device id (= MQTT client id, = certificate CN for CA-signed devices).</summary>
    public required string DeviceId { get; init; }

    /// <summary>How it authenticates.</summary>
    public required DeviceAuthentication Authentication { get; init; }

    /// <summary>Self-signed devices: primary thumbprint (SHA-1 or SHA-256, hex).</summary>
    public string? PrimaryThumbprint { get; init; }

    /// <summary>Self-signed devices: secondary thumbprint.</summary>
    public string? SecondaryThumbprint { get; init; }

    /// <summary>
    /// The IoT Plug and Play model id the device announced when it last connected with one (MQTT username
    /// <c>model-id=</c>); kept while it is offline, as the hub keeps the twin's <c>modelId</c>. Null when it never did.
    /// </summary>
    public string? ModelId { get; set; }
}

/// <summary>What the optional state file holds.</summary>
public sealed class RegistryState
{
    /// <summary>Registered CAs.</summary>
    public List<CaRecord> CertificateAuthorities { get; init; } = [];

    /// <summary>Registered devices.</summary>
    public List<DeviceRecord> Devices { get; init; } = [];
}

/// <summary>A request the registry refuses, with a one-line reason that says how to fix it (HTTP 400/404/409).</summary>
public sealed class RegistryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    /// <summary>Creates the exception.</summary>
    public RegistryException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RegistryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>HTTP status the admin API answers with.</summary>
    public int StatusCode { get; } = 400;
}
