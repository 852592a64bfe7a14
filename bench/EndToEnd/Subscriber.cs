using System.Diagnostics;
using System.Globalization;
using TestInfrastructure;

namespace EndToEnd;

/// <summary>
/// Counts the telemetry the broker forwards, with <c>mosquitto_sub</c> (C) subscribed at QoS 1 as the "monitor"
/// identity, one output line per message. Not the tests' <see cref="TelemetryMonitor"/>: MQTTnet's client
/// subscriber stops receiving under sustained load while staying connected (dotnet/MQTTnet#2234; here it stopped
/// acknowledging after 5,000–18,000 messages at ~15,000 msg/s, with the broker showing every PUBLISH sent to it),
/// which earlier made long runs look as if the sender had slowed down.
/// </summary>
internal sealed class Subscriber : IAsyncDisposable
{
    const string ProbeDevice = "bench-probe";

    readonly Process process;
    readonly System.Text.StringBuilder errors = new();
    readonly ArrivalCounter received = new();

    Subscriber(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                received.Arrived();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
    }

    /// <summary>CPU time (user + system) the subscriber has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>Subscribes to <c>devices/+/messages/events/#</c>; returns once a probe message has come through.</summary>
    public static async Task<Subscriber> StartAsync(TestPki pki, int port)
    {
        var monitor = pki.IssueDevice(MosquittoBroker.MonitorIdentity);
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(RequiredTool.Find("mosquitto_sub", "apt-get install -y mosquitto-clients"),
            ["-h", "localhost", "-p", portText, "-q", "1", "-i", $"monitor-{Guid.NewGuid():N}", "--cafile", pki.ServerCaPem,
                "--cert", monitor.FullChainPem, "--key", monitor.KeyPem, "-t", "devices/+/messages/events/#", "-F", "%t"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var subscriber = new Subscriber(Process.Start(start) ?? throw new InvalidOperationException("mosquitto_sub did not start."));
        subscriber.process.BeginOutputReadLine();
        subscriber.process.BeginErrorReadLine();

        // The subscription is in place once a message published after it arrives: probe until one does.
        var probe = pki.IssueDevice(ProbeDevice);
        for (var attempt = 0; ; attempt++)
        {
            using var publish = Process.Start(RequiredTool.Find("mosquitto_pub", "apt-get install -y mosquitto-clients"),
                ["-h", "localhost", "-p", portText, "-q", "1", "-i", ProbeDevice, "--cafile", pki.ServerCaPem, "--cert", probe.FullChainPem,
                    "--key", probe.KeyPem, "-t", $"devices/{ProbeDevice}/messages/events/", "-m", "probe"]);
            await publish.WaitForExitAsync();
            try
            {
                await subscriber.received.WaitForAsync(1, TimeSpan.FromSeconds(1));
                subscriber.Drain(); // probes that arrived late
                return subscriber;
            }
            catch (TimeoutException) when (attempt >= 10 || subscriber.process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto_sub received none of {attempt + 1} probe messages: {subscriber.errors}");
            }
            catch (TimeoutException)
            {
                // not subscribed yet
            }
        }
    }

    /// <summary>Waits for <paramref name="count"/> messages; fails with how many arrived when they don't come in time.</summary>
    public Task WaitForAsync(int count, TimeSpan timeout) => received.WaitForAsync(count, timeout);

    /// <summary>How many messages arrived and were not yet waited for.</summary>
    public int Drain() => received.Drain();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
