using System.Diagnostics;
using System.Text;

namespace TestInfrastructure;

/// <summary>
/// A real mosquitto broker configured like IoT Hub's MQTT endpoint (../shared/reference/test-peers.md): TLS 1.2 on a
/// free loopback port, client certificates required and checked against the device root CA only (so a device that
/// does not send its intermediate is refused), the certificate's CN as the username, and an ACL that lets a device
/// publish only under <c>devices/{its CN}/messages/events/#</c>. A "monitor" identity may read everything; its queue
/// is unbounded (<c>max_queued_messages 0</c>) so a slow test subscriber never loses messages to mosquitto's default
/// limit of 1,000 queued messages per client.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    /// <summary>CN of the certificate that may subscribe to every topic.</summary>
    public const string MonitorIdentity = "monitor";

    readonly Process process;
    readonly StringBuilder log = new();

    MosquittoBroker(Process process, int port, int? webSocketPort, string logPath)
    {
        this.process = process;
        Port = port;
        WebSocketPort = webSocketPort;
        LogPath = logPath;
    }

    /// <summary>The TLS port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>
    /// The port of MQTT over WebSocket (TLS, same certificate rules) on 127.0.0.1, when started with
    /// <c>webSockets: true</c>; mosquitto answers the upgrade on any path with sub-protocol <c>mqtt</c>.
    /// </summary>
    public int? WebSocketPort { get; }

    /// <summary>The broker's log file.</summary>
    public string LogPath { get; }

    /// <summary>The broker's log so far.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : log.ToString();

    /// <summary>CPU time (user + system) the broker has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Starts a broker that trusts <paramref name="pki"/>'s root CA; returns once it accepts connections. It logs every
    /// packet (for diagnosing tests) unless <paramref name="logPackets"/> is false: the benchmark's broker logs
    /// connections only, since a log line per packet costs it more CPU than the packet. A device may write only its
    /// telemetry topic, and mosquitto closes a connection on a denied publish, so the module's twin request costs it a
    /// reconnect; with <paramref name="openIotHubTopics"/> devices may also use IoT Hub's <c>$iothub/</c> topics, which
    /// nobody answers (a hub slow to answer: the twin request times out and telemetry goes on undisturbed).
    /// </summary>
    public static async Task<MosquittoBroker> StartAsync(TestPki pki, int? port = null, bool logPackets = true, bool webSockets = false, bool openIotHubTopics = false)
    {
        ArgumentNullException.ThrowIfNull(pki);
        var mosquitto = RequiredTool.Find("mosquitto", "apt-get install -y mosquitto");
        var chosen = port ?? FreePort.Next();
        var name = $"mosquitto-{chosen}";
        int? webSocketPort = webSockets ? FreePort.Next() : null;
        var tlsSettings = $"""
            cafile {pki.RootCaPem}
            certfile {pki.ServerCertificatePem}
            keyfile {pki.ServerKeyPem}
            require_certificate true
            use_identity_as_username true
            tls_version tlsv1.2
            """;
        var acl = pki.Write($"{name}.acl", $"""
            user {MonitorIdentity}
            topic read #

            pattern write devices/%u/messages/events/#
            {(openIotHubTopics ? "pattern readwrite $iothub/#\npattern read devices/%u/messages/devicebound/#" : "")}
            """.Replace("\r", "", StringComparison.Ordinal) + "\n");
        var logPath = Path.Combine(pki.Folder, $"{name}.log");
        File.WriteAllText(logPath, "");
        File.SetUnixFileMode(logPath, (UnixFileMode)0x1B6); // rw for all: the broker runs as "mosquitto"
        var config = pki.Write($"{name}.conf", $"""
            per_listener_settings false
            persistence false
            max_queued_messages 0
            allow_anonymous false
            log_dest file {logPath}
            {(logPackets ? "log_type all" : "log_type error\nlog_type warning\nlog_type notice\nlog_type information")}
            acl_file {acl}
            listener {chosen} 127.0.0.1
            {tlsSettings}
            {(webSocketPort is { } ws ? $"listener {ws} 127.0.0.1\nprotocol websockets\n{tlsSettings}" : "")}
            """.Replace("\r", "", StringComparison.Ordinal) + "\n");
        var start = new ProcessStartInfo(mosquitto, ["-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start.");
        var broker = new MosquittoBroker(process, chosen, webSocketPort, logPath);
        process.OutputDataReceived += (_, e) => broker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(chosen, TimeSpan.FromSeconds(15), () => $"mosquitto exited: {process.HasExited}; log: {broker.Log}");
        if (webSocketPort is { } listening)
        {
            await FreePort.WaitUntilListeningAsync(listening, TimeSpan.FromSeconds(15), () => $"mosquitto exited: {process.HasExited}; log: {broker.Log}");
        }

        return broker;
    }

    void Append(string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    /// <summary>Kills the broker at once (a crash, as far as clients can tell).</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }
}
