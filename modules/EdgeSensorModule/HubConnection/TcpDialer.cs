using System.Net.Sockets;

namespace EdgeSensorModule.HubConnection;

/// <summary>Opens the byte stream to <c>host:port</c> that TLS runs over.</summary>
internal interface ITcpDialer
{
    /// <summary>The open stream; failures are <see cref="HubException"/>s that say what to fix.</summary>
    Task<Stream> DialAsync(string host, int port, CancellationToken cancellationToken);
}

/// <summary>A direct TCP connection, without Nagle's delay (MQTT packets are small and wait for their acknowledgements).</summary>
internal sealed class DirectDialer : ITcpDialer
{
    /// <summary>The one instance; it holds no state.</summary>
    public static DirectDialer Instance { get; } = new();

    /// <inheritdoc />
    public Task<Stream> DialAsync(string host, int port, CancellationToken cancellationToken) =>
        ConnectAsync(host, port, $"{host}:{port}", cancellationToken);

    /// <summary>A TCP connection to <paramref name="host"/>; a failure says it could not reach <paramref name="what"/>.</summary>
    public static async Task<Stream> ConnectAsync(string host, int port, string what, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new HubException(HubErrorCode.Unreachable, $"Cannot reach {what}: {SocketReason(ex)}.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    static string SocketReason(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (nothing listens on that port)",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name does not resolve",
        SocketError.TimedOut => "no answer (timed out)",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "the network or host is unreachable",
        _ => ex.Message,
    };
}
