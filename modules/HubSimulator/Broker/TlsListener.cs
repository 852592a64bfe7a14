using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HubSimulator.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace HubSimulator.Broker;

/// <summary>
/// The MQTT endpoint's TCP and TLS, in place of MQTTnet's listener: it binds exactly the configured address (MQTTnet's
/// also binds every IPv6 address), and a connection that has not finished the TLS handshake within
/// <see cref="SimulatorOptions.HandshakeTimeout"/> is closed. Then MQTTnet's server speaks MQTT on the stream.
/// </summary>
public sealed partial class TlsListener(IOptions<SimulatorOptions> simulatorOptions, ClientChains chains, ILogger<TlsListener> logger) : IMqttServerAdapter
{
    Socket? socket;
    CancellationTokenSource? stop;
    SslStreamCertificateContext? serverCertificate;
    MqttServerOptions? serverOptions;
    IMqttNetLogger? mqttLogger;

    /// <summary>
    /// Which port it binds and the setting that names it: the hub's MQTT port unless changed (the DPS endpoint is a
    /// second listener on <see cref="SimulatorOptions.ProvisioningPort"/>).
    /// </summary>
    public Func<SimulatorOptions, (int Port, string Setting)> Endpoint { get; init; } = settings => (settings.MqttPort, "Simulator__MqttPort");

    /// <summary>The server certificate's subject, once started.</summary>
    public string? Subject { get; private set; }

    /// <inheritdoc />
    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <inheritdoc />
    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        var settings = simulatorOptions.Value;
        var certificate = ServerCertificate.Load(settings);
        Subject = certificate.Subject;
        serverCertificate = SslStreamCertificateContext.Create(certificate, additionalCertificates: null);
        serverOptions = options;
        mqttLogger = logger;
        var address = IPAddress.Parse(settings.BindAddress);
        var (port, setting) = Endpoint(settings);
        socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw StartupException.PortInUse(setting, settings.BindAddress, port, ex);
        }

        socket.Listen();
        stop = new CancellationTokenSource();
        _ = AcceptAsync(socket, stop.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync()
    {
        var stopping = Interlocked.Exchange(ref stop, null);
        stopping?.Cancel();
        stopping?.Dispose();
        socket?.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => StopAsync(); // both MQTTnet's server and the container dispose it

    async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client, cancellationToken);
        }
    }

    async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        var remote = client.RemoteEndPoint;
        await using var tls = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false, chains.Capture);
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            handshake.CancelAfter(simulatorOptions.Value.HandshakeTimeout);
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = serverCertificate,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    EncryptionPolicy = EncryptionPolicy.RequireEncryption,
                }, handshake.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogHandshakeTimeout(logger, remote?.ToString() ?? "?", simulatorOptions.Value.HandshakeTimeout.TotalSeconds);
                return;
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
            {
                return; // no certificate (logged by ClientChains), not TLS, or gone: nothing to serve
            }
        }

        var certificate = tls.RemoteCertificate is { } presented ? X509CertificateLoader.LoadCertificate(presented.GetRawCertData()) : null;
        var channel = new MqttTcpChannel(tls, client.LocalEndPoint, remote, certificate);
        using var adapter = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(new MqttBufferWriter(serverOptions!.WriterBufferSize, serverOptions.WriterBufferSizeMax)), mqttLogger);
        if (ClientHandler is { } handler)
        {
            await handler(adapter);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed a connection from {Endpoint}: no TLS handshake within {Seconds} s (Simulator__HandshakeTimeout)")]
    private static partial void LogHandshakeTimeout(ILogger logger, string endpoint, double seconds);
}
