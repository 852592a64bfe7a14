using System.Security.Cryptography;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// A TLS alert the server sent (RFC 8446 §6), read from the error code the runtime carries, not from its wording. On
/// Linux, <c>SslStream</c> wraps OpenSSL's error in a <see cref="CryptographicException"/> whose HResult is OpenSSL's
/// packed error code: library in bits 23-30 (SSL = 20), reason in bits 0-22; a received alert n has reason 1000 + n
/// (OpenSSL's SSL_AD_REASON_OFFSET). <c>TlsAlertTests</c> pins this against a real handshake.
/// </summary>
/// <param name="Code">The alert's description code, e.g. 48 for unknown_ca.</param>
internal readonly record struct TlsAlert(int Code)
{
    const int OpenSslLibrarySsl = 20;
    const int ReceivedAlertReason = 1000;

    /// <summary>certificate_expired: the server judged the client's certificate past its NotAfter.</summary>
    public const int CertificateExpired = 45;

    /// <summary>
    /// True for the alerts a server sends when it does not accept the client's certificate: bad, unsupported, revoked,
    /// expired or unknown certificate, unknown CA, access denied, certificate required.
    /// </summary>
    public bool RejectsCertificate => Code is 42 or 43 or 44 or 45 or 46 or 48 or 49 or 116;

    /// <summary>The alert carried by <paramref name="exception"/> or its inner exceptions, if any.</summary>
    public static TlsAlert? Find(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(Find).FirstOrDefault(alert => alert is not null);
            }

            if (exception is CryptographicException && FromOpenSslError(exception.HResult) is { } alert)
            {
                return alert;
            }
        }

        return null;
    }

    static TlsAlert? FromOpenSslError(int error)
    {
        var library = (error >> 23) & 0xFF;
        var reason = error & 0x7FFFFF;
        return library == OpenSslLibrarySsl && reason is >= ReceivedAlertReason and < ReceivedAlertReason + 256
            ? new TlsAlert(reason - ReceivedAlertReason)
            : null;
    }

    /// <summary>E.g. "TLS alert 48 unknown_ca".</summary>
    public override string ToString() => $"TLS alert {Code} {Name}";

    string Name => Code switch
    {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        112 => "unrecognized_name",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => "(unnamed)",
    };
}
