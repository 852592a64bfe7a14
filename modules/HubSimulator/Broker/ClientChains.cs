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
/// </summary>
public sealed partial class ClientChains(ILogger<ClientChains> logger)
{
    readonly ConcurrentDictionary<string, X509Certificate2[]> sent = new(StringComparer.Ordinal);

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

    /// <summary>The certificates sent besides <paramref name="certificate"/> in its latest handshake.</summary>
    public IReadOnlyList<X509Certificate2> SentWith(X509Certificate certificate) =>
        sent.TryGetValue(Key(certificate), out var others) ? others : [];

    static string Key(X509Certificate certificate) => Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a TLS handshake: the client presented no certificate (IoT Hub's X.509 devices must)")]
    private static partial void LogNoCertificate(ILogger logger);
}
