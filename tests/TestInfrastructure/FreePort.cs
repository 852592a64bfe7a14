using System.Net;
using System.Net.Sockets;

namespace TestInfrastructure;

/// <summary>Free TCP ports on loopback, so tests run side by side.</summary>
public static class FreePort
{
    static readonly HashSet<int> Given = [];

    /// <summary>
    /// A port nothing listens on right now and not handed out before in this process: the kernel may give a just-closed
    /// ephemeral port again at once, and a fixture asking for two ports (MQTT and AMQP) got the same one twice.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>Waits until something accepts TCP connections on the port (the peer is ready), or fails.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                // Not yet: poll again on the next scheduler turn, bounded by the deadline.
                try
                {
                    await Task.Delay(20, deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout}. {diagnostics?.Invoke()}");
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout}. {diagnostics?.Invoke()}");
            }
        }
    }
}
