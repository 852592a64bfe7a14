using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HubSimulator.Hosting;
using IotHub.Amqp;
using Microsoft.Azure.Amqp.Transport;
using Microsoft.Extensions.Options;

namespace HubSimulator.Broker.Amqp;

/// <summary>
/// The AMQP endpoint's TCP and TLS: the same handshake as the MQTT endpoint (<see cref="DeviceTls"/>), then the TLS
/// stream goes to Microsoft.Azure.Amqp as a transport carrying the device's certificates. The library's own TLS
/// listener is not used: it can neither capture the chain the device sent nor time out a stalled handshake.
/// </summary>
public sealed class AmqpTlsListener(IOptions<SimulatorOptions> options, DeviceTls deviceTls, ClientChains chains) : TransportListener("amqp-tls"), IDisposable
{
    Socket? socket;
    CancellationTokenSource? stop;

    /// <summary>Binds the port now, so a port in use stops the simulator at start.</summary>
    public void Bind() => socket = deviceTls.Listen(options.Value.AmqpPort, "Simulator__AmqpPort");

    /// <inheritdoc />
    protected override void OnListen()
    {
        stop = new CancellationTokenSource();
        _ = AcceptAsync(socket ?? throw new InvalidOperationException("Bind before listening."), stop.Token);
    }

    /// <inheritdoc />
    protected override bool CloseInternal()
    {
        Stop();
        return true;
    }

    /// <inheritdoc />
    protected override void AbortInternal() => Stop();

    /// <inheritdoc />
    public void Dispose() => Stop();

    void Stop()
    {
        var stopping = Interlocked.Exchange(ref stop, null);
        stopping?.Cancel();
        stopping?.Dispose();
        socket?.Dispose();
    }

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
        var (local, remote) = (client.LocalEndPoint?.ToString() ?? "?", client.RemoteEndPoint?.ToString() ?? "?");
        if (await deviceTls.AcceptAsync(client, cancellationToken) is not { } tls)
        {
            return;
        }

        if (tls.RemoteCertificate is not { } presented)
        {
            await tls.DisposeAsync();
            return;
        }

        var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        var principal = new DevicePrincipal(certificate, chains.SentWith(certificate), remote);
        OnTransportAccepted(new TransportAsyncCallbackArgs
        {
            Transport = new StreamTransport(tls, local, remote, principal),
            CompletedSynchronously = false,
        });
    }
}
