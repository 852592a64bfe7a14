using EdgeSensorModule.Configuration;
using EdgeSensorModule.Outbox;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>A temporary outbox folder and realistic readings for the outbox tests.</summary>
internal sealed class OutboxFiles : IDisposable
{
    public OutboxFiles(string? folder = null) => Folder = folder ?? Directory.CreateTempSubdirectory("esm-outbox-").FullName;

    public string Folder { get; }

    public OutboxOptions Options { get; } = new() { FlushEachReading = false };

    public FileOutbox Open(IFileFlush? flush = null) => new(Folder, Options, TimeProvider.System, NullLogger.Instance, flush);

    public string[] Segments => [.. Directory.GetFiles(Folder, "*.seg").Order(StringComparer.Ordinal)];

    public static OutboxMessage Reading(long sequence) => new(sequence, Message(sequence));

    public static HubMessage Message(long sequence) => TelemetryContract.ToHubMessage(
        new SensorTelemetry
        {
            DeviceId = "dev1",
            MessageId = sequence,
            Temperature = 20 + (sequence % 150 / 10.0),
            Humidity = 65.5,
            Timestamp = new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero).AddSeconds(5 * sequence),
        },
        temperatureAlert: sequence % 150 > 100,
        TelemetryContract.NewMessageId());

    public static List<OutboxMessage> Append(IOutbox outbox, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => outbox.Append(Message) ?? throw new InvalidOperationException("The outbox refused a reading."))];

    /// <summary>The messageId the next reading gets (it is appended).</summary>
    public static long NextId(IOutbox outbox) => Append(outbox, 1)[0].SequenceNumber;

    /// <summary>Everything pending, oldest first.</summary>
    public static IReadOnlyList<OutboxMessage> AllPending(IOutbox outbox) => outbox.Pending(int.MaxValue, new HashSet<long>(), PendingEnd.Oldest);

    /// <summary>Two messages are the same on the wire: same $.mid, properties and body.</summary>
    public static void AssertSameMessage(OutboxMessage expected, OutboxMessage actual)
    {
        Assert.Equal(expected.SequenceNumber, actual.SequenceNumber);
        Assert.Equal(expected.Message.WireProperties(), actual.Message.WireProperties());
        Assert.Equal(expected.Message.Body.ToArray(), actual.Message.Body.ToArray());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A mount point or a file still open: the OS cleans the temp folder.
        }
    }
}
