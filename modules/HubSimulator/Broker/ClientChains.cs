using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace HubSimulator.Broker;

/// <summary>
/// Remembers the certificates each client sent in the TLS handshake. MQTTnet hands the CONNECT check only the
/// client's own certificate, but a CA-signed device is judged on the chain it sent (its intermediates), which only
/// the TLS validation callback sees (in <see cref="X509ChainPolicy.ExtraStore"/>).
/// A reconnect that resumes the TLS session sends no certificates at all (the session carries only the peer's own
/// certificate), so the chain that passed the CONNECT check is kept for that certificate, as IoT Hub accepts resumed
/// sessions. It is keyed by the SHA-256 of the device certificate, which only the holder of its private key can
/// present (a resumed session was made by such a handshake), and it is verified again against the registry at every
/// CONNECT: a CA removed or no longer verified refuses the device as before.
/// </summary>
public sealed partial class ClientChains(ILogger<ClientChains> logger)
{
    readonly ConcurrentDictionary<string, X509Certificate2[]> sent = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, X509Certificate2[]> accepted = new(StringComparer.Ordinal);

    /// <summary>
    /// The TLS callback: a client certificate is required; whether it is good enough is decided at CONNECT, where the
    /// hub answers with CONNACK "not authorized" and a reason.
    /// </summary>
    public bool Capture(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            LogNoCertificate(logger);
            return false;
        }

        var others = chain?.ChainPolicy.ExtraStore.Cast<X509Certificate2>()
            .Where(c => !c.RawDataMemory.Span.SequenceEqual(certificate.GetRawCertData()))
            .Select(c => X509CertificateLoader.LoadCertificate(c.RawData))
            .ToArray() ?? [];
        sent[Key(certificate)] = others;
        return true;
    }

    /// <summary>
    /// The certificates sent besides <paramref name="certificate"/> in its latest handshake (taken: each handshake's
    /// are judged once); when it sent none (a resumed session), the chain accepted for it before.
    /// </summary>
    public IReadOnlyList<X509Certificate2> SentWith(X509Certificate certificate)
    {
        var key = Key(certificate);
        if (sent.TryRemove(key, out var others) && others.Length > 0)
        {
            return others;
        }

        return accepted.TryGetValue(key, out var remembered) ? remembered : [];
    }

    /// <summary>Keeps the chain a device was accepted with, for its resumed sessions.</summary>
    public void Accepted(X509Certificate certificate, IReadOnlyList<X509Certificate2> chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Count > 0)
        {
            accepted[Key(certificate)] = [.. chain];
        }
    }

    static string Key(X509Certificate certificate) => Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a TLS handshake: the client presented no certificate (IoT Hub's X.509 devices must)")]
    private static partial void LogNoCertificate(ILogger logger);
}
