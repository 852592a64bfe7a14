using TestInfrastructure;

namespace EndToEnd;

/// <summary>
/// Where a contender's readings go and how the harness counts them: the server's and the counter's CPU over a run, a
/// wait for the messages, and the server's log kept when a run fails.
/// </summary>
internal interface ITelemetrySink
{
    /// <summary>The transport's name in the results (MQTT, AMQP): ratios compare contenders of one transport.</summary>
    string Transport { get; }

    /// <summary>CPU (user + system) the server has used so far.</summary>
    TimeSpan ServerProcessorTime { get; }

    /// <summary>CPU the counting process has used so far (mosquitto_sub; for the simulator, the harness that asks it).</summary>
    TimeSpan CounterProcessorTime { get; }

    /// <summary>Waits for <paramref name="count"/> messages; fails with how many arrived when they don't come in time.</summary>
    Task WaitForAsync(int count, TimeSpan timeout);

    /// <summary>How many messages arrived and were not yet waited for.</summary>
    Task<int> DrainAsync();

    /// <summary>Copies the server's log where it survives the run; returns its path.</summary>
    string KeepLog();
}

/// <summary>mosquitto (TLS, X.509) as the server, <c>mosquitto_sub</c> counting.</summary>
internal sealed class MqttSink(MosquittoBroker broker, Subscriber subscriber) : ITelemetrySink
{
    public string Transport => "MQTT";

    public TimeSpan ServerProcessorTime => broker.ProcessorTime;

    public TimeSpan CounterProcessorTime => subscriber.ProcessorTime;

    public Task WaitForAsync(int count, TimeSpan timeout) => subscriber.WaitForAsync(count, timeout);

    public Task<int> DrainAsync() => Task.FromResult(subscriber.Drain());

    public string KeepLog()
    {
        var kept = Path.Combine(Path.GetTempPath(), $"bench-broker-{DateTime.UtcNow:HHmmss}.log");
        File.Copy(broker.LogPath, kept, overwrite: true);
        return kept;
    }
}
