using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;

namespace TestInfrastructure;

/// <summary>
/// A TLS server with the test PKI's server certificate for what no real broker does on purpose: it completes the
/// handshake (asking for the client's certificate and accepting any), then runs a test's <c>session</c> on the stream:
/// stay silent, or send hostile MQTT bytes. Tests wait on its events (a handshake completed, a session ended), not on
/// time.
/// </summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    readonly TcpListener listener;
    readonly TestPki pki;
    readonly SslProtocols protocols;
    readonly Func<SslStream, CancellationToken, Task> session;
    readonly Channel<int> handshakes = Channel.CreateUnbounded<int>();
    readonly CancellationTokenSource stop = new();
    readonly List<Task> sessions = [];
    readonly Task accepting;
    int accepted;

    TlsTestServer(TestPki pki, SslProtocols protocols, Func<SslStream, CancellationToken, Task> session)
    {
        this.pki = pki;
        this.protocols = protocols;
        this.session = session;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>
    /// Starts the server; each connection that completes the handshake runs <paramref name="session"/>, and is closed
    /// when it returns.
    /// </summary>
    public static TlsTestServer Start(TestPki pki, Func<SslStream, CancellationToken, Task> session, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13) =>
        new(pki, protocols, session);

    /// <summary>A session that reads and ignores whatever the client sends, and never answers.</summary>
    public static async Task Silent(SslStream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    /// <summary>Waits for the next completed handshake; returns how many have completed so far.</summary>
    public async Task<int> WaitForHandshakeAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await handshakes.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No TLS handshake completed within {timeout}.");
        }
    }

    async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (sessions)
            {
                sessions.Add(ServeAsync(socket));
            }
        }
    }

    async Task ServeAsync(Socket socket)
    {
        await using var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), false, (_, certificate, _, _) => certificate is not null);
        try
        {
            await stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = pki.Server,
                ClientCertificateRequired = true,
                EnabledSslProtocols = protocols,
            }, stop.Token);
            handshakes.Writer.TryWrite(Interlocked.Increment(ref accepted));
            await session(stream, stop.Token);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server stops: the session ends either way.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        Task[] running;
        lock (sessions)
        {
            running = [.. sessions];
        }

        await Task.WhenAll(running);
        stop.Dispose();
    }
}
