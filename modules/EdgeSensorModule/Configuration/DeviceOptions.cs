namespace EdgeSensorModule.Configuration;

/// <summary>Transports to IoT Hub or an IoT Edge gateway.</summary>
public enum HubTransportKind
{
    /// <summary>MQTT 3.1.1 over TLS, port 8883.</summary>
    Mqtt,

    /// <summary>MQTT 3.1.1 over a WebSocket (<c>wss://{host}:443/$iothub/websocket</c>, sub-protocol <c>mqtt</c>), optionally through an HTTP proxy.</summary>
    MqttWebSocket,

    /// <summary>AMQP 1.0 over TLS, port 5671 (the transport of the tutorial's <c>Amqp_Tcp_Only</c>).</summary>
    Amqp,

    /// <summary>AMQP 1.0 over a WebSocket (<c>wss://{host}:443/$iothub/websocket</c>, sub-protocol <c>AMQPWSB10</c>), optionally through an HTTP proxy.</summary>
    AmqpWebSocket,
}

/// <summary>The downstream device identity and where it connects (section <c>Device</c>).</summary>
public sealed class DeviceOptions : IParsedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Device";

    /// <summary>Device id registered in IoT Hub; must equal the certificate's CN.</summary>
    public string Id { get; set; } = "";

    /// <summary>IoT Hub host name, e.g. <c>myhub.azure-devices.net</c>.</summary>
    public string HostName { get; set; } = "";

    /// <summary>Connect through this IoT Edge gateway instead of the hub.</summary>
    public string? GatewayHostName { get; set; }

    /// <summary>Port override; the transport's standard port when null.</summary>
    public int? Port { get; set; }

    /// <summary>The transport, by name.</summary>
    public HubTransportKind Transport { get; internal set; } = HubTransportKind.Mqtt;

    /// <summary>HTTP proxy for the WebSocket transports, e.g. <c>http://proxy:3128</c> (an HTTP CONNECT tunnel, as the SDKs use).</summary>
    public string? ProxyUri { get; set; }

    /// <summary>A file whose first line is <c>user:password</c> for the proxy (Basic); never logged.</summary>
    public string? ProxyCredentialsPath { get; set; }

    /// <summary>True for the transports that run over a WebSocket (port 443, proxy-capable).</summary>
    public bool UsesWebSocket => Transport is HubTransportKind.MqttWebSocket or HubTransportKind.AmqpWebSocket;

    /// <summary>PFX/PKCS#12, or PEM certificate (PEM may carry the chain).</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>PFX password, or the password of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>A file whose first line is the password (a mounted secret).</summary>
    public string? CertificatePasswordFile { get; set; }

    /// <summary>PEM private key when the certificate is PEM; refused with a PFX, which carries its key.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>PEM CA certificates trusted for the server; the OS store when null.</summary>
    public string? TrustBundlePath { get; set; }

    /// <summary>MQTT keep-alive, and AMQP's idle timeout; the SDKs use 300 s for MQTT, the hub allows at most 1177 s.</summary>
    public TimeSpan KeepAlive { get; internal set; } = TimeSpan.FromSeconds(300);

    /// <summary>What IoT Hub accepts for the keep-alive.</summary>
    public static DurationRange KeepAliveRange { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1177));

    /// <summary>Limit for one connect, including TLS and CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; internal set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit for one publish to be acknowledged.</summary>
    public TimeSpan OperationTimeout { get; internal set; } = TimeSpan.FromSeconds(30);

    /// <summary>Allowed for <see cref="ConnectTimeout"/> and <see cref="OperationTimeout"/>.</summary>
    public static DurationRange TimeoutRange { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    /// <summary>Warn (once a day) when the certificate expires within this; 0 turns the warning off (not the error once expired).</summary>
    public TimeSpan CertificateExpiryWarning { get; internal set; } = TimeSpan.FromDays(30);

    /// <summary>Allowed for <see cref="CertificateExpiryWarning"/>.</summary>
    public static DurationRange CertificateExpiryWarningRange { get; } = new(TimeSpan.Zero, TimeSpan.FromDays(365));

    /// <summary>How often the certificate, key and password files are looked at for a renewal.</summary>
    public TimeSpan CertificateCheckInterval { get; internal set; } = TimeSpan.FromSeconds(10);

    /// <summary>Allowed for <see cref="CertificateCheckInterval"/>: at most an hour, so the daily expiry warning keeps its day.</summary>
    public static DurationRange CertificateCheckIntervalRange { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

    /// <summary>The host the module connects to: the gateway when set, else the hub.</summary>
    public string ConnectHostName => string.IsNullOrWhiteSpace(GatewayHostName) ? HostName : GatewayHostName;

    /// <summary>A copy connecting to <paramref name="hostName"/> as <paramref name="deviceId"/> (what DPS assigned).</summary>
    public DeviceOptions AssignedTo(string hostName, string deviceId)
    {
        var copy = (DeviceOptions)MemberwiseClone();
        copy.HostName = hostName;
        copy.Id = deviceId;
        return copy;
    }

    /// <inheritdoc />
    void IParsedOptions.Parse(SettingReader settings)
    {
        Transport = settings.Choice(nameof(Transport), Transport);
        KeepAlive = settings.Duration(nameof(KeepAlive), KeepAlive, KeepAliveRange);
        ConnectTimeout = settings.Duration(nameof(ConnectTimeout), ConnectTimeout, TimeoutRange);
        OperationTimeout = settings.Duration(nameof(OperationTimeout), OperationTimeout, TimeoutRange);
        CertificateExpiryWarning = settings.Duration(nameof(CertificateExpiryWarning), CertificateExpiryWarning, CertificateExpiryWarningRange);
        CertificateCheckInterval = settings.Duration(nameof(CertificateCheckInterval), CertificateCheckInterval, CertificateCheckIntervalRange);
    }
}
