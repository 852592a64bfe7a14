using System.Diagnostics.Metrics;

namespace EdgeSensorModule.Metrics;

/// <summary>
/// Listens to one <see cref="Meter"/> and keeps what a Prometheus scrape shows: counters summed, gauges' last value,
/// histograms in their advised buckets; each per set of measurement tags. Observable instruments are read on
/// <see cref="Collect"/>.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    readonly MeterListener listener = new();
    readonly List<InstrumentState> instruments = [];

    public MetricsCollector(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        listener.InstrumentPublished = (instrument, subscriber) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                var state = new InstrumentState(instrument);
                lock (instruments)
                {
                    instruments.Add(state);
                }

                subscriber.EnableMeasurementEvents(instrument, state);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.Start();
    }

    /// <summary>Reads the observable instruments, then returns every instrument in the order it was created.</summary>
    public IReadOnlyList<InstrumentState> Collect()
    {
        listener.RecordObservableInstruments();
        lock (instruments)
        {
            return [.. instruments];
        }
    }

    public void Dispose() => listener.Dispose();
}

/// <summary>What Prometheus calls the metric's type.</summary>
internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One instrument's values, per set of tags (<c>kind="checksum"</c>; empty for none).</summary>
internal sealed class InstrumentState
{
    readonly Dictionary<string, Series> series = new(StringComparer.Ordinal);
    readonly bool adds;

    public InstrumentState(Instrument instrument)
    {
        Name = instrument.Name;
        Help = instrument.Description ?? "";
        (Type, adds) = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> => (MetricType.Counter, true),
            UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => (MetricType.Gauge, true),
            Histogram<double> => (MetricType.Histogram, false),
            ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => (MetricType.Counter, false),
            _ => (MetricType.Gauge, false),
        };
        Bounds = (instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries?.ToArray() ?? [];
    }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    /// <summary>Histogram bucket upper bounds, ascending; empty for other types.</summary>
    public IReadOnlyList<double> Bounds { get; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = tags.IsEmpty ? "" : PrometheusText.Labels(tags);
        lock (series)
        {
            if (!series.TryGetValue(key, out var current))
            {
                current = new Series(Bounds.Count);
                series.Add(key, current);
            }

            if (Type == MetricType.Histogram)
            {
                var bucket = 0;
                while (bucket < Bounds.Count && value > Bounds[bucket])
                {
                    bucket++;
                }

                current.Buckets[bucket]++;
                current.Sum += value;
                current.Count++;
            }
            else
            {
                current.Value = adds ? current.Value + value : value;
            }
        }
    }

    /// <summary>A copy of every series, by label set; one empty series when nothing was recorded yet.</summary>
    public IReadOnlyList<(string Labels, Series Values)> Snapshot()
    {
        lock (series)
        {
            return series.Count == 0
                ? [("", new Series(Bounds.Count))]
                : [.. series.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value.Copy()))];
        }
    }
}

/// <summary>The value of a counter or gauge, or a histogram's per-bucket counts (last: above every bound), sum and count.</summary>
internal sealed class Series(int bounds)
{
    public double Value { get; set; }

    public long[] Buckets { get; private init; } = new long[bounds + 1];

    public double Sum { get; set; }

    public long Count { get; set; }

    public Series Copy() => new(0) { Value = Value, Buckets = [.. Buckets], Sum = Sum, Count = Count };
}
