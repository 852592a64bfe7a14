using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sampling;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeSensorModule.Benchmarks;

/// <summary>
/// The durable outbox on the module's path: append a reading, read the next batch back in the send order, acknowledge
/// it. Runs against a
/// folder under /tmp (the page cache: what sampling waits for). With <c>FlushEachReading</c> the fsyncs happen on the
/// background flusher and are not in these figures; docs/reliability.md gives their cost.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the outbox.")]
public class OutboxBenchmarks
{
    const int Batch = 100;
    readonly SensorReading reading = new(31.25, 64.5, new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero));
    string folder = "";
    FileOutbox outbox = null!;

    [Params(false, true)]
    public bool FlushEachReading { get; set; }

    [GlobalSetup]
    public void Open()
    {
        folder = Path.Combine(Path.GetTempPath(), $"outbox-bench-{Guid.NewGuid():N}");
        outbox = new FileOutbox(folder, new OutboxOptions { Path = folder, FlushEachReading = FlushEachReading }, TimeProvider.System, NullLogger.Instance);
    }

    [GlobalCleanup]
    public void Close()
    {
        outbox.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>One reading in, one batch of <see cref="Batch"/> read back and acknowledged: the per-reading cost at steady state.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void AppendPeekRemove()
    {
        for (var i = 0; i < Batch; i++)
        {
            outbox.Append(id => ReadingMessage.Create("myDevice", id, reading, temperatureAlert: false));
        }

        outbox.Acknowledge(SendOrder.Next(outbox, Batch));
    }
}
