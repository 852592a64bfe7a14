using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HubSimulator.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSimulator.Broker;

/// <summary>
/// The hub's TLS for every device endpoint (MQTT, AMQP): TLS 1.2/1.3 with a required client certificate whose chain
/// <see cref="ClientChains"/> captures, a handshake that must finish within <see cref="SimulatorOptions.HandshakeTimeout"/>,
/// and a listening socket bound to exactly the configured address.
/// </summary>
public sealed partial class DeviceTls(IOptions<SimulatorOptions> simulatorOptions, ClientChains chains, ILogger<DeviceTls> logger)
{
    readonly Lazy<SslStreamCertificateContext> serverCertificate = new(() =>
        SslStreamCertificateContext.Create(ServerCertificate.Load(simulatorOptions.Value), additionalCertificates: null));

    /// <summary>The server certificate's subject.</summary>
    public string Subject => serverCertificate.Value.TargetCertificate.Subject;

    /// <summary>The server certificate every device endpoint presents (MQTT, AMQP, WebSocket), loaded once.</summary>
    public SslStreamCertificateContext ServerCertificateContext => serverCertificate.Value;

    /// <summary>A socket listening on the bind address and <paramref name="port"/>; a port in use names <paramref name="setting"/>.</summary>
    public Socket Listen(int port, string setting)
    {
        var settings = simulatorOptions.Value;
        var address = IPAddress.Parse(settings.BindAddress);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw StartupException.PortInUse(setting, settings.BindAddress, port, ex);
        }

        socket.Listen();
        return socket;
    }

    /// <summary>
    /// The server side of the handshake on an accepted socket; null (socket closed) when the client sent no certificate,
    /// did not speak TLS, left, or took too long (logged).
    /// </summary>
    public async Task<SslStream?> AcceptAsync(Socket client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var remote = client.RemoteEndPoint;
        var tls = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false, chains.Capture);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        handshake.CancelAfter(simulatorOptions.Value.HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = serverCertificate.Value,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                EncryptionPolicy = EncryptionPolicy.RequireEncryption,
            }, handshake.Token);
            return tls;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogHandshakeTimeout(logger, remote?.ToString() ?? "?", simulatorOptions.Value.HandshakeTimeout.TotalSeconds);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            // No certificate (logged by ClientChains), not TLS, or gone: nothing to serve.
        }

        await tls.DisposeAsync();
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed a connection from {Endpoint}: no TLS handshake within {Seconds} s (Simulator__HandshakeTimeout)")]
    private static partial void LogHandshakeTimeout(ILogger logger, string endpoint, double seconds);
}
