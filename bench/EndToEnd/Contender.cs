using System.Diagnostics;

namespace EndToEnd;

/// <summary>One program that delivers the benchmark's readings.</summary>
/// <param name="Name">Row name in the results table.</param>
/// <param name="FileName">Executable.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="Environment">Extra environment variables.</param>
/// <param name="StandardInputPath">A file fed to its standard input, or null.</param>
internal sealed record Contender(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string?> Environment,
    string? StandardInputPath = null)
{
    /// <summary>How to start it, with its output captured; under <paramref name="wrapper"/> (a program and its arguments, e.g. GNU time) when given.</summary>
    public ProcessStartInfo StartInfo(params string[] wrapper)
    {
        string[] command = [.. wrapper, FileName, .. Arguments];
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = StandardInputPath is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }
}

/// <summary>What one run measured.</summary>
/// <param name="Name">The contender.</param>
/// <param name="Transport">MQTT or AMQP: ratios compare contenders of the same transport (same server).</param>
/// <param name="Messages">Messages the subscriber received (must equal the count sent).</param>
/// <param name="WallSeconds">Process start to exit.</param>
/// <param name="CpuSeconds">User + system CPU of the process tree (GNU time).</param>
/// <param name="PeakRssMegabytes">Maximum resident set size.</param>
/// <param name="FirstMessageSeconds">Process start to the first message at the subscriber.</param>
/// <param name="DeliverySeconds">First message at the subscriber to the last one there, or to the sender's exit (all acknowledged by the broker) when that is earlier.</param>
/// <param name="BrokerCpuSeconds">CPU the server (mosquitto, or the simulator for AMQP) used during the run (it shares the machine's cores with the contender).</param>
/// <param name="SubscriberCpuSeconds">CPU the counting subscriber used during the run (none for AMQP: the simulator counts).</param>
internal sealed record RunResult(
    string Name,
    string Transport,
    int Messages,
    double WallSeconds,
    double CpuSeconds,
    double PeakRssMegabytes,
    double FirstMessageSeconds,
    double DeliverySeconds,
    double BrokerCpuSeconds,
    double SubscriberCpuSeconds)
{
    /// <summary>Messages per second while delivering (first to last message).</summary>
    public double Throughput => Messages > 1 && DeliverySeconds > 0 ? (Messages - 1) / DeliverySeconds : 0;

    /// <summary>Messages per second over the whole process lifetime, start-up included.</summary>
    public double ThroughputWithStartup => WallSeconds > 0 ? Messages / WallSeconds : 0;

    /// <summary>CPU microseconds per message, start-up included.</summary>
    public double CpuMicrosecondsPerMessage => PerMessage(CpuSeconds);

    /// <summary>Broker CPU microseconds per message.</summary>
    public double BrokerMicrosecondsPerMessage => PerMessage(BrokerCpuSeconds);

    /// <summary>Subscriber CPU microseconds per message.</summary>
    public double SubscriberMicrosecondsPerMessage => PerMessage(SubscriberCpuSeconds);

    double PerMessage(double seconds) => Messages > 0 ? seconds * 1e6 / Messages : 0;
}
