using System.Net;
using System.Net.Sockets;

namespace TestInfrastructure;

/// <summary>
/// A TCP link between the module and a broker that a test can cut and restore, like pulling and plugging a network
/// cable: <see cref="Cut"/> resets every open connection and turns new ones away until <see cref="Restore"/>. Bytes
/// pass through unchanged (TLS is end to end).
/// </summary>
public sealed class NetworkLink : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly int targetPort;
    readonly List<Socket> open = [];
    readonly CancellationTokenSource stop = new();
    readonly Task accepting;
    volatile bool up;

    NetworkLink(int targetPort, bool up)
    {
        this.targetPort = targetPort;
        this.up = up;
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>The port to connect to (on 127.0.0.1, also reached as localhost).</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Opens a link to 127.0.0.1:<paramref name="targetPort"/>; cut from the start when <paramref name="up"/> is false.</summary>
    public static NetworkLink Start(int targetPort, bool up = true) => new(targetPort, up);

    /// <summary>Resets every open connection and turns new ones away.</summary>
    public void Cut()
    {
        up = false;
        lock (open)
        {
            foreach (var socket in open)
            {
                Reset(socket);
            }

            open.Clear();
        }
    }

    /// <summary>Lets connections through again.</summary>
    public void Restore() => up = true;

    async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    async Task RelayAsync(Socket client)
    {
        if (!up)
        {
            Reset(client);
            return;
        }

        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, targetPort, stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            Reset(client);
            Reset(server);
            return;
        }

        lock (open)
        {
            if (!up)
            {
                Reset(client);
                Reset(server);
                return;
            }

            open.Add(client);
            open.Add(server);
        }

        await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        lock (open)
        {
            open.Remove(client);
            open.Remove(server);
        }

        Reset(client);
        Reset(server);
    }

    async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The other side or a cut closed the connection.
        }
    }

    /// <summary>Closes with RST, as a broken link looks to both ends.</summary>
    static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        Cut();
        await accepting;
        stop.Dispose();
    }
}
