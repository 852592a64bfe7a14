using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Metrics;

/// <summary>
/// <c>GET /metrics</c> on <c>Metrics__Port</c>, every interface: the smallest HTTP/1.1 responder a Prometheus scraper
/// needs (one request per connection, answered and closed), with no web framework in the binary (docs/iot-edge.md).
/// The port is opened before the module starts, so a port in use stops it with one line and exit code 2.
/// </summary>
internal sealed partial class MetricsEndpoint(
    MetricsCollector collector,
    MetricsLabels labels,
    IOptions<MetricsOptions> options,
    ILogger<MetricsEndpoint> logger) : BackgroundService, IStartupCheck
{
    const int MaxRequestBytes = 8192;
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    TcpListener? listener;

    public Task RunAsync(CancellationToken cancellationToken)
    {
        Listen();
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Listen();
        LogListening(logger, options.Value.Port);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var client = await listener!.AcceptTcpClientAsync(stoppingToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                await AnswerAsync(client.GetStream(), timeout.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                LogRequestFailed(logger, ex.GetType().Name, ex.Message); // a scraper that hung up or never finished its request
            }
        }
    }

    public override void Dispose()
    {
        listener?.Dispose();
        base.Dispose();
    }

    void Listen()
    {
        if (listener is not null)
        {
            return;
        }

        var port = options.Value.Port;
        try
        {
            var opened = new TcpListener(IPAddress.Any, port);
            opened.Start();
            listener = opened;
        }
        catch (SocketException ex)
        {
            throw new OptionsValidationException(MetricsOptions.Section, typeof(MetricsOptions),
                [$"Metrics__Port {port}: cannot listen ({ex.SocketErrorCode}); choose a free port ({MetricsOptions.DocumentedPort} is the documented one) or 0 to turn metrics off."]);
        }
    }

    async Task AnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var request = await ReadRequestLineAsync(stream, cancellationToken);
        var parts = request?.Split(' ') ?? [];
        var (status, body) = parts switch
        {
            [_, var target, _] when !target.Split('?')[0].Equals("/metrics", StringComparison.Ordinal) => ("404 Not Found", "Not found: the metrics are at /metrics.\n"),
            ["GET" or "HEAD", _, _] => ("200 OK", PrometheusText.Write(collector.Collect(), labels.Text)),
            [_, _, _] => ("405 Method Not Allowed", "Use GET.\n"),
            _ => ("400 Bad Request", "Bad request.\n"),
        };
        var content = Encoding.UTF8.GetBytes(body);
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: {PrometheusText.ContentType}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head, cancellationToken);
        if (parts is not ["HEAD", ..])
        {
            await stream.WriteAsync(content, cancellationToken);
        }
    }

    /// <summary>The request line, once the whole head has arrived; null when it is malformed or too long.</summary>
    static async Task<string?> ReadRequestLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var head = Encoding.ASCII.GetString(buffer, 0, length);
            if (head.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                return head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics for Prometheus at http://*:{Port}/metrics (Metrics__Port)")]
    private static partial void LogListening(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A metrics request was not answered: {Error}: {Reason}")]
    private static partial void LogRequestFailed(ILogger logger, string error, string reason);
}
