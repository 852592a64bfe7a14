using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubSimulator.Messages;

/// <summary>
/// The newest messages the hub received (at most <c>maxKept</c>, oldest dropped first), in memory; every message is
/// optionally appended as JSON lines to a file. Waiters (the demo, tests, the admin API's count) are woken by the next
/// message.
/// </summary>
public sealed class MessageStore
{
    static readonly JsonSerializerOptions LineJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>How many messages are kept in memory when not configured.</summary>
    public const int DefaultMaxKept = 10_000;

    readonly Lock gate = new();
    readonly Queue<ReceivedMessage> messages = new();
    readonly Dictionary<string, long> receivedPerDevice = [];
    readonly int maxKept;
    readonly string? file;
    long received;

    /// <summary>Completed by the next message; created by the first waiter for it, so a message nobody waits for costs no task.</summary>
    TaskCompletionSource? changed;

    /// <summary>Waiters for a total (<see cref="WaitForReceivedAsync"/>), each woken only once its total is reached.</summary>
    readonly List<(long Count, TaskCompletionSource<long> Reached)> totalWaiters = [];
    long nextTotalWake = long.MaxValue;

    /// <summary>Creates the store keeping the newest <paramref name="maxKept"/> messages; <paramref name="file"/> receives every message as one JSON object per line when set.</summary>
    public MessageStore(string? file = null, int maxKept = DefaultMaxKept)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKept, 1);
        this.maxKept = maxKept;
        this.file = string.IsNullOrWhiteSpace(file) ? null : file;
        if (this.file is not null && Path.GetDirectoryName(Path.GetFullPath(this.file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
    }

    /// <summary>Raised after each message is recorded (the dashboard's live feed).</summary>
    public event Action<ReceivedMessage>? Added;

    /// <summary>Records a message.</summary>
    public void Add(ReceivedMessage message)
    {
        TaskCompletionSource? wake;
        List<TaskCompletionSource<long>>? reached = null;
        long total;
        lock (gate)
        {
            messages.Enqueue(message);
            if (messages.Count > maxKept)
            {
                messages.Dequeue();
            }

            receivedPerDevice[message.DeviceId] = receivedPerDevice.GetValueOrDefault(message.DeviceId) + 1;
            received++;
            if (file is not null)
            {
                File.AppendAllText(file, JsonSerializer.Serialize(message, LineJson) + "\n");
            }

            wake = changed;
            changed = null;
            total = received;
            if (total >= nextTotalWake)
            {
                reached = TakeReached(total);
            }
        }

        wake?.SetResult();
        reached?.ForEach(waiter => waiter.TrySetResult(total));
        Added?.Invoke(message);
    }

    /// <summary>How many messages were recorded since the start, every device's (kept or not).</summary>
    public long Received
    {
        get
        {
            lock (gate)
            {
                return received;
            }
        }
    }

    /// <summary>The kept messages of one device, oldest first; every device's when <paramref name="deviceId"/> is null.</summary>
    public IReadOnlyList<ReceivedMessage> For(string? deviceId)
    {
        lock (gate)
        {
            return [.. messages.Where(m => deviceId is null || m.DeviceId == deviceId)];
        }
    }

    /// <summary>Waits until <paramref name="deviceId"/> has sent at least <paramref name="count"/> messages; returns its kept ones.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitForAsync(string deviceId, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (receivedPerDevice.GetValueOrDefault(deviceId) >= count)
                {
                    return [.. messages.Where(m => m.DeviceId == deviceId)];
                }

                next = NextMessage();
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were recorded in all (<see cref="Received"/>); returns how many.</summary>
    public async Task<long> WaitForReceivedAsync(long count, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (received >= count)
            {
                return received;
            }

            totalWaiters.Add((count, waiter));
            nextTotalWake = Math.Min(nextTotalWake, count);
        }

        using (cancellationToken.Register(() =>
        {
            lock (gate)
            {
                totalWaiters.RemoveAll(w => w.Reached == waiter);
                nextTotalWake = totalWaiters.Count == 0 ? long.MaxValue : totalWaiters.Min(w => w.Count);
            }

            waiter.TrySetCanceled(cancellationToken);
        }))
        {
            return await waiter.Task;
        }
    }

    /// <summary>Removes and returns the total waiters <paramref name="total"/> satisfies; call under <see cref="gate"/>.</summary>
    List<TaskCompletionSource<long>> TakeReached(long total)
    {
        var reached = new List<TaskCompletionSource<long>>();
        nextTotalWake = long.MaxValue;
        for (var i = totalWaiters.Count - 1; i >= 0; i--)
        {
            if (totalWaiters[i].Count <= total)
            {
                reached.Add(totalWaiters[i].Reached);
                totalWaiters.RemoveAt(i);
            }
            else
            {
                nextTotalWake = Math.Min(nextTotalWake, totalWaiters[i].Count);
            }
        }

        return reached;
    }

    /// <summary>Completes when the next message is recorded; call under <see cref="gate"/>.</summary>
    Task NextMessage() => (changed ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
