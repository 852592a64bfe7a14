namespace EdgeSensorModule.HubConnection;

/// <summary>What went wrong talking to IoT Hub; decides whether and how soon to retry.</summary>
public enum HubErrorCode
{
    /// <summary>The host name does not resolve, or the host refused or did not answer the connection.</summary>
    Unreachable,

    /// <summary>An established connection was lost.</summary>
    ConnectionLost,

    /// <summary>An operation did not complete in time.</summary>
    Timeout,

    /// <summary>The hub is busy or down (CONNACK 3, throttling).</summary>
    ServerUnavailable,

    /// <summary>The server's certificate is not trusted by this device.</summary>
    ServerCertificateUntrusted,

    /// <summary>The server refused this device's certificate during the TLS handshake.</summary>
    ClientCertificateRejected,

    /// <summary>The hub refused the device (CONNACK 2, 4 or 5).</summary>
    NotAuthorized,

    /// <summary>The hub refused a message (too large, malformed).</summary>
    MessageRejected,

    /// <summary>The HTTP proxy refused the tunnel (authentication, rules) or is not an HTTP proxy.</summary>
    ProxyRefused,

    /// <summary>The server refused the WebSocket upgrade (wrong path or port, sub-protocol not served).</summary>
    WebSocketRefused,
}

/// <summary>A failure of hub communication, classified (after the Azure IoT SDK v2's IotHubClientException).</summary>
public sealed class HubException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HubException(HubErrorCode errorCode, string message, Exception? innerException = null)
        : base(message, innerException) => ErrorCode = errorCode;

    /// <summary>Creates an unclassified exception.</summary>
    public HubException()
    {
    }

    /// <summary>Creates an unclassified exception.</summary>
    public HubException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an unclassified exception.</summary>
    public HubException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kind of failure.</summary>
    public HubErrorCode ErrorCode { get; }

    /// <summary>
    /// True when trying again soon may succeed. Authentication and trust failures are not transient: they need a
    /// change of certificates or registration, and are retried only slowly.
    /// </summary>
    public bool IsTransient => ErrorCode is HubErrorCode.Unreachable or HubErrorCode.ConnectionLost
        or HubErrorCode.Timeout or HubErrorCode.ServerUnavailable;
}
