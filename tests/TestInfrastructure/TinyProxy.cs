using System.Diagnostics;
using System.Globalization;

namespace TestInfrastructure;

/// <summary>
/// A real HTTP CONNECT proxy: Debian's tinyproxy in the foreground on a free loopback port. It tunnels only to the
/// ports given (others get 403, as a site proxy that allows just 443 would answer), and asks for Basic credentials
/// when <paramref name="user"/> is set (407 without them).
/// </summary>
public sealed class TinyProxy : IAsyncDisposable
{
    readonly Process process;

    TinyProxy(Process process, int port, string logPath)
    {
        this.process = process;
        Port = port;
        LogPath = logPath;
    }

    /// <summary>The proxy's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The proxy as Device__ProxyUri takes it.</summary>
    public string Uri => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The proxy's log file.</summary>
    public string LogPath { get; }

    /// <summary>The proxy's log so far (one line per CONNECT, among others).</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    /// <summary>Starts tinyproxy in <paramref name="folder"/>; returns once it accepts connections.</summary>
    /// <param name="folder">Where its configuration and log go (deleted with the test's PKI folder).</param>
    /// <param name="connectPorts">The only ports it opens tunnels to.</param>
    /// <param name="user">Basic user name, or null for no authentication.</param>
    /// <param name="password">Basic password.</param>
    public static async Task<TinyProxy> StartAsync(string folder, IEnumerable<int> connectPorts, string? user = null, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(connectPorts);
        var tinyproxy = RequiredTool.Find("tinyproxy", "apt-get install -y tinyproxy");
        var port = FreePort.Next();
        var logPath = Path.Combine(folder, $"tinyproxy-{port}.log");
        File.WriteAllText(logPath, "");
        File.SetUnixFileMode(logPath, (UnixFileMode)0x1B6); // rw for all: as root, tinyproxy switches to "nobody"
        var lines = new List<string>
        {
            $"Port {port}",
            "Listen 127.0.0.1",
            "User nobody",
            "Group nogroup",
            "Timeout 120",
            $"LogFile \"{logPath}\"",
            "LogLevel Info",
            "MaxClients 50",
            "Allow 127.0.0.1",
            "DisableViaHeader Yes",
        };
        lines.AddRange(connectPorts.Select(p => $"ConnectPort {p}"));
        if (user is not null)
        {
            lines.Add($"BasicAuth {user} {password}");
        }

        var config = Path.Combine(folder, $"tinyproxy-{port}.conf");
        File.WriteAllText(config, string.Join('\n', lines) + "\n");
        File.SetUnixFileMode(config, (UnixFileMode)0x1A4); // rw-r--r--
        var start = new ProcessStartInfo(tinyproxy, ["-d", "-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("tinyproxy did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new TinyProxy(process, port, logPath);
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(15), () => $"tinyproxy exited: {process.HasExited}; log: {proxy.Log}");
        return proxy;
    }

    /// <summary>Stops the proxy at once (a proxy going down, as far as clients can tell).</summary>
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
