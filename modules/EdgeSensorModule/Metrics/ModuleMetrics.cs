using System.Diagnostics.Metrics;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Sensors;

namespace EdgeSensorModule.Metrics;

/// <summary>
/// The module's instruments (System.Diagnostics.Metrics), named as Prometheus names them (docs/iot-edge.md, "Metrics"):
/// each call below is the one line that code doing the work adds. Without a listener (<c>Metrics__Port=0</c>) nothing
/// is recorded.
/// </summary>
public sealed class ModuleMetrics : IDisposable
{
    /// <summary>Meter name, and the prefix of every metric: the module's name in lower case, as edgeHub's are <c>edgehub_</c>.</summary>
    public const string MeterName = "EdgeSensorModule";

    /// <summary>Prefix of every metric name.</summary>
    public const string Prefix = "edgesensormodule_";

    /// <summary>Upper bounds (seconds) of the time-to-acknowledgement histogram: loopback milliseconds to a gateway's tens of seconds.</summary>
    static readonly double[] AcknowledgementBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    readonly Counter<long> readings;
    readonly Counter<long> sensorFailures;
    readonly Counter<long> delivered;
    readonly Counter<long> retried;
    readonly Histogram<double> acknowledgement;
    readonly Counter<long> reconnects;
    readonly Counter<long> connectFailures;
    int connections;

    /// <summary>Creates the meter and its instruments.</summary>
    public ModuleMetrics()
    {
        Meter = new Meter(MeterName);
        readings = Meter.CreateCounter<long>(Prefix + "readings_total", null, "Readings taken from the sensor; each becomes a message.");
        sensorFailures = Meter.CreateCounter<long>(Prefix + "sensor_failures_total", null, "Sensor reads that gave no reading, by kind of failure.");
        delivered = Meter.CreateCounter<long>(Prefix + "messages_delivered_total", null, "Messages the hub acknowledged (PUBACK).");
        retried = Meter.CreateCounter<long>(Prefix + "messages_retried_total", null, "Sends that failed; the message stays in the outbox and is sent again.");
        acknowledgement = Meter.CreateHistogram(
            Prefix + "acknowledgement_duration_seconds", "s", "Time from sending a message to the hub's acknowledgement.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AcknowledgementBuckets });
        reconnects = Meter.CreateCounter<long>(Prefix + "hub_reconnects_total", null, "Connections to the hub made after the first one.");
        connectFailures = Meter.CreateCounter<long>(Prefix + "hub_connect_failures_total", null, "Attempts to connect to the hub that failed, by error code.");
    }

    /// <summary>The meter every instrument of this module belongs to.</summary>
    public Meter Meter { get; }

    /// <summary>A reading was taken.</summary>
    public void ReadingTaken() => readings.Add(1);

    /// <summary>A sensor read failed.</summary>
    public void SensorFailed(SensorFailureKind kind) => sensorFailures.Add(1, new KeyValuePair<string, object?>("kind", PrometheusText.SnakeCase(kind.ToString())));

    /// <summary>The hub acknowledged a message <paramref name="elapsed"/> after it was sent.</summary>
    public void Acknowledged(TimeSpan elapsed)
    {
        delivered.Add(1);
        acknowledgement.Record(elapsed.TotalSeconds);
    }

    /// <summary>A send failed; the message will be sent again.</summary>
    public void SendFailed() => retried.Add(1);

    /// <summary>A connection to the hub is up.</summary>
    public void Connected()
    {
        if (Interlocked.Increment(ref connections) > 1)
        {
            reconnects.Add(1);
        }
    }

    /// <summary>An attempt to connect failed.</summary>
    public void ConnectFailed(HubErrorCode code) => connectFailures.Add(1, new KeyValuePair<string, object?>("code", PrometheusText.SnakeCase(code.ToString())));

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();
}
