using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using HubSimulator.Messages;
using HubSimulator.Registry;
using Microsoft.Extensions.Hosting;

namespace HubSimulator.Dashboard;

/// <summary>
/// The page's live feed (server-sent events): a <c>message</c> event per received message and a <c>summary</c>
/// event within a second of a device or CA change, and every few seconds anyway (counts, twin thresholds; it doubles
/// as the keep-alive). Each page has a bounded queue: a page that cannot keep up loses the oldest events, never the
/// simulator's memory.
/// </summary>
public sealed class DashboardFeed : BackgroundService
{
    /// <summary>Event type of a received message.</summary>
    public const string MessageEvent = "message";

    /// <summary>Event type of the device and CA lists.</summary>
    public const string SummaryEvent = "summary";

    const int QueuePerPage = 4096;
    const int SummaryEveryTicks = 5;
    static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    readonly FleetSummary fleet;
    readonly Lock gate = new();
    readonly List<Channel<SseItem<string>>> pages = [];
    int changed;

    /// <summary>Follows the message store, the registry and the connections.</summary>
    public DashboardFeed(MessageStore messages, DeviceRegistry registry, DeviceConnections connections, FleetSummary fleet)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(connections);
        this.fleet = fleet;
        messages.Added += OnMessage;
        registry.Changed += MarkChanged;
        connections.Changed += MarkChanged;
    }

    /// <summary>The events one page receives: the summary first, then live events until it goes away.</summary>
    public async IAsyncEnumerable<SseItem<string>> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var queue = Channel.CreateBounded<SseItem<string>>(new BoundedChannelOptions(QueuePerPage)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (gate)
        {
            pages.Add(queue);
        }

        try
        {
            yield return Summary();
            await foreach (var item in queue.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            lock (gate)
            {
                pages.Remove(queue);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick);
        var ticks = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            ticks++;
            if (Interlocked.Exchange(ref changed, 0) == 1 || ticks % SummaryEveryTicks == 0)
            {
                Broadcast(Summary);
            }
        }
    }

    SseItem<string> Summary() => new(JsonSerializer.Serialize(fleet.Build(), JsonSerializerOptions.Web), SummaryEvent);

    void OnMessage(ReceivedMessage message)
    {
        fleet.Record(message);
        Broadcast(() => new SseItem<string>(JsonSerializer.Serialize(DashboardMessage.From(message), JsonSerializerOptions.Web), MessageEvent));
    }

    void MarkChanged() => Interlocked.Exchange(ref changed, 1);

    /// <summary>Sends one event to every page; builds it only when a page is listening.</summary>
    void Broadcast(Func<SseItem<string>> build)
    {
        Channel<SseItem<string>>[] listening;
        lock (gate)
        {
            if (pages.Count == 0)
            {
                return; // no page open: nothing built, nothing copied (the common case, once per message)
            }

            listening = [.. pages];
        }

        var item = build();
        foreach (var page in listening)
        {
            page.Writer.TryWrite(item);
        }
    }
}
