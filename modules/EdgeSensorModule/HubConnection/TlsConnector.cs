using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;
using MQTTnet.Channel;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// Opens the TCP connection and the mutual-TLS session for a device. It exists because .NET's SslStream sends only
/// the client certificates it can chain from the OS stores, not the ones it is handed: an
/// <see cref="SslStreamCertificateContext"/> built from the identity's own chain makes it send the intermediates the
/// hub needs to chain the device to its verified CA. Failures become <see cref="HubException"/>s that say what to fix.
/// </summary>
internal sealed class TlsConnector(
    string targetHost,
    ClientIdentity identity,
    X509Certificate2Collection? trustBundle,
    string trustBundleSetting) : IMqttClientStreamProvider
{
    readonly SslStreamCertificateContext clientCertificate =
        SslStreamCertificateContext.Create(identity.Certificate, identity.Chain, offline: true);

    /// <summary>
    /// True when the last attempt completed the TLS handshake. Under TLS 1.3 a server checks the client certificate
    /// after the handshake has completed on the client's side, so a refusal shows up as the connection closing
    /// before CONNACK; this tells that case apart from a host that could not be reached at all.
    /// </summary>
    public bool HandshakeCompleted { get; private set; }

    /// <inheritdoc />
    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        HandshakeCompleted = false;
        var endpoint = Describe(brokerEndPoint);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(brokerEndPoint, cancellationToken);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new HubException(HubErrorCode.Unreachable, $"Cannot reach {endpoint}: {SocketReason(ex)}.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        string? serverProblem = null;
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false,
            (_, certificate, chain, errors) => (serverProblem = CheckServer(certificate, chain, errors)) is null);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateContext = clientCertificate,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cancellationToken);
            HandshakeCompleted = true;
            return new CoalescingWriteStream(tls);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await tls.DisposeAsync();
            throw Classify(ex, endpoint, serverProblem);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    string? CheckServer(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return "it presented no certificate";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"its certificate '{certificate.Subject}' is not issued for the host name '{targetHost}'";
        }

        if (trustBundle is null)
        {
            return errors == SslPolicyErrors.None
                ? null
                : $"its certificate '{certificate.Subject}' does not chain to a CA in the operating system's store ({errors}); set {trustBundleSetting} to the PEM of its root CA";
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var sent = chain?.ChainPolicy.ExtraStore ?? [];
        var verification = ChainVerifier.Verify(leaf, sent, trustBundle);
        return verification.IsTrusted
            ? null
            : $"{verification.Problem}; {trustBundleSetting} must hold the root CA that issued the server's certificate";
    }

    static HubException Classify(Exception ex, string endpoint, string? serverProblem)
    {
        if (serverProblem is not null)
        {
            return new HubException(HubErrorCode.ServerCertificateUntrusted, $"The server at {endpoint} is not trusted: {serverProblem}.", ex);
        }

        return FindTlsAlert(ex) is { } alert
            ? ClientCertificateRejected(endpoint, alert, ex)
            : new HubException(HubErrorCode.ConnectionLost, $"The TLS handshake with {endpoint} failed: {Innermost(ex).Message}", ex);
    }

    /// <summary>The server refused the device certificate, during the handshake (TLS 1.2) or right after it (TLS 1.3).</summary>
    public static HubException ClientCertificateRejected(string endpoint, string how, Exception inner) =>
        new(HubErrorCode.ClientCertificateRejected,
            $"The server at {endpoint} refused this device's certificate in the TLS handshake ({how}): the certificate must chain to a CA "
            + "the hub trusts (upload and verify the CA, and keep the intermediates in the certificate file), and be within its validity period.", inner);

    /// <summary>OpenSSL reports a peer's TLS alert as e.g. "error:0A000418:SSL routines::tlsv1 alert unknown ca".</summary>
    public static string? FindTlsAlert(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var at = ex.Message.IndexOf("alert ", StringComparison.Ordinal);
        if (at >= 0)
        {
            return ex.Message[at..].Trim();
        }

        var inner = ex is AggregateException aggregate ? aggregate.InnerExceptions : ex.InnerException is { } single ? [single] : [];
        return inner.Select(FindTlsAlert).FirstOrDefault(found => found is not null);
    }

    static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    static string SocketReason(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (nothing listens on that port)",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name does not resolve",
        SocketError.TimedOut => "no answer (timed out)",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "the network or host is unreachable",
        _ => ex.Message,
    };

    static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "the server",
    };
}
