using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.Identity;
using IotHub.Certificates;
using MQTTnet.Channel;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// Opens the TCP connection (directly, or through a proxy: <see cref="Dialer"/>) and the mutual-TLS session for a device. It exists because .NET's SslStream sends only
/// the client certificates it can chain from the OS stores, not the ones it is handed: an
/// <see cref="SslStreamCertificateContext"/> built from the identity's own chain makes it send the intermediates the
/// hub needs to chain the device to its verified CA. Failures become <see cref="HubException"/>s that say what to fix;
/// the stream it returns (<see cref="InboundGuardStream"/>) reports what the server does after the handshake the same way.
/// The identity is read from <paramref name="identities"/> at each connect, so a rotated certificate is used from the
/// next connection on.
/// </summary>
internal sealed class TlsConnector(
    string targetHost,
    IClientIdentitySource identities,
    X509Certificate2Collection? trustBundle,
    string trustBundleSetting) : IMqttClientStreamProvider
{
    (CurrentIdentity Identity, SslStreamCertificateContext Context)? clientCertificate;

    /// <summary>The certificate context of the identity in use, built once per identity.</summary>
    SslStreamCertificateContext ClientCertificate()
    {
        var current = identities.Current;
        if (clientCertificate is not { } cached || !ReferenceEquals(cached.Identity, current))
        {
            cached = (current, SslStreamCertificateContext.Create(current.Identity.Certificate, current.Identity.Chain, offline: true));
            clientCertificate = cached;
        }

        return cached.Context;
    }

    /// <summary>The TCP connection's dialer: direct, or a tunnel through an HTTP proxy.</summary>
    public ITcpDialer Dialer { get; init; } = DirectDialer.Instance;

    /// <summary>The protocol the stream carries: it decides what the returned stream checks (<see cref="InboundGuardStream"/>).</summary>
    public HubProtocol Protocol { get; init; } = HubProtocol.Mqtt;

    /// <inheritdoc />
    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        var tls = await HandshakeAsync(brokerEndPoint, cancellationToken);
        return new InboundGuardStream(new CoalescingWriteStream(tls), Describe(brokerEndPoint), clientCertificateSent: tls.LocalCertificate is not null, Protocol);
    }

    /// <summary>The mutual-TLS session with <paramref name="serverEndPoint"/>, over the <see cref="Dialer"/>'s stream.</summary>
    public async Task<SslStream> HandshakeAsync(EndPoint serverEndPoint, CancellationToken cancellationToken)
    {
        var endpoint = Describe(serverEndPoint);
        var (host, port) = serverEndPoint switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => throw new ArgumentException($"Unsupported end point {serverEndPoint}.", nameof(serverEndPoint)),
        };
        var transport = await Dialer.DialAsync(host, port, cancellationToken);
        string? serverProblem = null;
        var tls = new SslStream(transport, leaveInnerStreamOpen: false,
            (_, certificate, chain, errors) => (serverProblem = CheckServer(certificate, chain, errors)) is null);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateContext = ClientCertificate(),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cancellationToken);
            return tls;
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

        return TlsAlert.Find(ex) switch
        {
            { Code: TlsAlert.CertificateExpired } alert => new HubException(HubErrorCode.ClientCertificateExpired,
                $"The server at {endpoint} refused this device's certificate as expired ({alert}): renew it (same CN) and write it over Device__CertificatePath; "
                + "the module switches to it without a restart.", ex),
            { RejectsCertificate: true } alert => ClientCertificateRejected(endpoint, alert.ToString(), ex),
            { } alert => new HubException(HubErrorCode.ConnectionLost, $"The server at {endpoint} ended the TLS handshake with {alert}.", ex),
            null => new HubException(HubErrorCode.ConnectionLost, $"The TLS handshake with {endpoint} failed: {Innermost(ex).Message}", ex),
        };
    }

    /// <summary>
    /// The server refused the device certificate: during the handshake, or, when it judges the certificate after its
    /// handshake (TLS 1.3), before sending anything (<see cref="InboundGuardStream"/>).
    /// </summary>
    public static HubException ClientCertificateRejected(string endpoint, string how, Exception? inner) =>
        new(HubErrorCode.ClientCertificateRejected,
            $"The server at {endpoint} refused this device's certificate in the TLS handshake ({how}): the certificate must chain to a CA "
            + "the hub trusts (upload and verify the CA, and keep the intermediates in the certificate file), and be within its validity period.", inner);

    static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    /// <summary><c>host:port</c>.</summary>
    public static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "the server",
    };
}
