using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// The telemetry link's messages waiting for the hub's outcome, completed from the link's disposition listener. The
/// library's <see cref="SendingAmqpLink.SendMessageAsync(AmqpMessage, ArraySegment{byte}, ArraySegment{byte}, TimeSpan)"/>
/// costs, per message, a task adapter, an async result with a timer of its own, an entry in a concurrent map keyed by the
/// delivery tag's bytes, and a hop to the thread pool to complete it (docs/performance.md). Here a message is sent with
/// <see cref="SendingAmqpLink.SendMessageNoWait"/> and its outcome completes its task on the thread that read it; one
/// timer per link ends the sends that waited longer than <c>Device__OperationTimeout</c> (<see cref="TimeoutException"/>),
/// and a closed link ends them all (<see cref="OperationCanceledException"/> around the link's error, as the library did).
/// </summary>
internal sealed class TelemetryOutcomes
{
    readonly Lock gate = new();
    readonly Dictionary<long, Waiting> waiting = [];
    readonly SendingAmqpLink link;
    readonly TimeSpan timeout;
    readonly TimeProvider clock;
    readonly ITimer sweep;
    long deliveryTags;
    Exception? closed;

    public TelemetryOutcomes(SendingAmqpLink link, TimeSpan timeout, TimeProvider clock)
    {
        this.link = link;
        this.timeout = timeout;
        this.clock = clock;
        link.RegisterDispositionListener(OnDisposition);
        link.Closed += (_, _) => Close();
        var period = timeout / 4;
        sweep = clock.CreateTimer(static state => ((TelemetryOutcomes)state!).EndExpired(), this, period, period);
    }

    /// <summary>
    /// Sends <paramref name="message"/> unsettled; the task completes with the hub's outcome. Its delivery tag is a
    /// counter, unique on the link (AMQP 1.0 2.6.12: among its unsettled deliveries), not the SDK's random Guid.
    /// </summary>
    public Task<Outcome> SendAsync(AmqpMessage message)
    {
        var tag = Interlocked.Increment(ref deliveryTags);
        var send = new Waiting(clock.GetTimestamp());
        lock (gate)
        {
            if (closed is not null)
            {
                return Task.FromException<Outcome>(closed);
            }

            waiting.Add(tag, send);
        }

        try
        {
            link.SendMessageNoWait(message, new ArraySegment<byte>(BitConverter.GetBytes(tag)), AmqpConstants.NullBinary);
        }
        catch (Exception ex) when (ex is AmqpException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            End(tag, ex);
        }

        return send.Task;
    }

    void OnDisposition(Microsoft.Azure.Amqp.Delivery delivery)
    {
        if (delivery.State is not Outcome outcome || delivery.DeliveryTag.Count != sizeof(long))
        {
            return; // not final yet (received), or not ours
        }

        Waiting? send;
        lock (gate)
        {
            waiting.Remove(BitConverter.ToInt64(delivery.DeliveryTag), out send);
        }

        send?.TrySetResult(outcome);
    }

    void EndExpired()
    {
        List<(long Tag, Waiting Send)>? expired = null;
        lock (gate)
        {
            foreach (var (tag, send) in waiting)
            {
                if (clock.GetElapsedTime(send.SentAt) >= timeout)
                {
                    (expired ??= []).Add((tag, send));
                }
            }

            expired?.ForEach(e => waiting.Remove(e.Tag));
        }

        expired?.ForEach(e => e.Send.TrySetException(new TimeoutException($"The hub did not settle the message within {timeout}.")));
    }

    void Close()
    {
        sweep.Dispose();
        List<Waiting> ended;
        Exception error;
        lock (gate)
        {
            error = closed ??= new OperationCanceledException(link.TerminalException?.Message ?? "The telemetry link closed.", link.TerminalException);
            ended = [.. waiting.Values];
            waiting.Clear();
        }

        ended.ForEach(send => send.TrySetException(error));
    }

    void End(long tag, Exception error)
    {
        Waiting? send;
        lock (gate)
        {
            waiting.Remove(tag, out send);
        }

        send?.TrySetException(error);
    }

    /// <summary>A send and when it went out (a <see cref="TimeProvider"/> timestamp).</summary>
    sealed class Waiting(long sentAt) : TaskCompletionSource<Outcome>
    {
        public long SentAt { get; } = sentAt;
    }
}
