using System.Diagnostics;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Delivery;

/// <summary>
/// A hub that fails like real ones: a TLS mosquitto that can crash (SIGKILL) and come back on the same port, with the
/// module reaching it through a <see cref="NetworkLink"/> and a monitor subscribed to every incarnation.
/// <para>
/// Counting honestly: mosquitto runs without persistence, so what it accepted but had not yet passed to the monitor
/// dies with it. A crash therefore cuts the module's link first, then waits until a barrier message published after
/// the cut reaches the monitor (mosquitto delivers to one subscriber in order), and only then kills the broker. After
/// a restart the link is restored only once the new monitor is subscribed. So every PUBACK the module ever receives
/// comes from a broker whose monitor then sees that message: what the monitor collects is exactly what was accepted.
/// </para>
/// </summary>
internal sealed class FaultyHub : IAsyncDisposable
{
    const string SentinelId = "sentinel";

    readonly TestPki pki;
    readonly int port = FreePort.Next();
    readonly DeviceFiles sentinel;
    readonly List<ReceivedTelemetry> received = [];
    MosquittoBroker? broker;
    TelemetryMonitor? monitor;
    int barriers;
    string? lastBarrier;

    FaultyHub(TestPki pki, bool linkUp)
    {
        this.pki = pki;
        sentinel = pki.IssueDevice(SentinelId);
        Link = NetworkLink.Start(port, linkUp);
    }

    /// <summary>The link the module connects through; give the module <c>Device__Port</c> = <c>Link.Port</c>.</summary>
    public NetworkLink Link { get; }

    /// <summary>Everything the monitors received so far (barriers excluded).</summary>
    public IReadOnlyList<ReceivedTelemetry> Received => received;

    /// <summary>Starts the hub: broker up or down, link up or cut.</summary>
    public static async Task<FaultyHub> StartAsync(TestPki pki, bool brokerUp, bool linkUp)
    {
        var hub = new FaultyHub(pki, linkUp);
        if (brokerUp)
        {
            await hub.StartBrokerAsync();
        }

        return hub;
    }

    /// <summary>The broker crashes (SIGKILL) after everything it accepted reached the monitor; the module's link stays cut.</summary>
    public async Task CrashAsync()
    {
        Link.Cut();
        var barrier = $"barrier={++barriers}";
        await PublishBarrierAsync(barrier);
        await CollectUntilAsync(_ => lastBarrier == barrier, TimeSpan.FromSeconds(30), $"barrier {barrier}");
        await broker!.DisposeAsync();
        received.AddRange(monitor!.Drain().Where(m => m.DeviceId != SentinelId));
        await monitor.DisposeAsync();
        (broker, monitor) = (null, null);
    }

    /// <summary>The broker comes back on the same port, the monitor subscribes, then the link is restored. Returns when it was.</summary>
    public async Task<long> ReturnAsync()
    {
        await StartBrokerAsync();
        Link.Restore();
        return Stopwatch.GetTimestamp();
    }

    async Task StartBrokerAsync()
    {
        broker = await MosquittoBroker.StartAsync(pki, port);
        monitor = await TelemetryMonitor.StartAsync(pki, port);
    }

    /// <summary>Collects until <paramref name="done"/> holds; fails with <paramref name="what"/> and the count when it does not in time.</summary>
    public async Task CollectUntilAsync(Func<IReadOnlyList<ReceivedTelemetry>, bool> done, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!done(received))
        {
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || monitor is null)
            {
                throw new TimeoutException($"Waited {timeout} for {what}; received {received.Count} messages, ids up to {MaxId(received)}.");
            }

            ReceivedTelemetry message;
            try
            {
                message = (await monitor.WaitForAsync(1, left))[0];
            }
            catch (TimeoutException)
            {
                continue;
            }

            if (message.DeviceId == SentinelId)
            {
                lastBarrier = message.Topic[(message.Topic.LastIndexOf('/') + 1)..];
            }
            else
            {
                received.Add(message);
            }
        }
    }

    /// <summary>Collects until every messageId from 0 to <paramref name="count"/> - 1 of <paramref name="deviceId"/> arrived.</summary>
    public Task CollectIdsAsync(string deviceId, long count, TimeSpan timeout) =>
        CollectUntilAsync(r => r.Where(m => m.DeviceId == deviceId).Select(Id).Distinct().Count() >= count, timeout, $"{count} distinct messageIds of {deviceId}");

    public static long Id(ReceivedTelemetry message) => TelemetryContract.ParseBody(message.Body).MessageId;

    static long MaxId(IEnumerable<ReceivedTelemetry> messages) => messages.Select(Id).DefaultIfEmpty(-1).Max();

    async Task PublishBarrierAsync(string barrier)
    {
        var publish = RequiredTool.Find("mosquitto_pub", "apt-get install -y mosquitto-clients");
        var start = new ProcessStartInfo(publish,
            ["-h", "localhost", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", pki.ServerCaPem,
             "--cert", sentinel.FullChainPem, "--key", sentinel.KeyPem, "-q", "1", "-t", $"devices/{SentinelId}/messages/events/{barrier}", "-m", "barrier"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_pub failed ({process.ExitCode}): {error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Link.DisposeAsync();
        if (monitor is not null)
        {
            await monitor.DisposeAsync();
        }

        if (broker is not null)
        {
            await broker.DisposeAsync();
        }
    }
}
