using EdgeSensorModule.HubConnection;
using IotHub.Protocol;

namespace EdgeSensorModule.Tests.Delivery;

/// <summary>A connected hub that acknowledges only when told to; sends honour cancellation like the real client.</summary>
internal sealed class HeldAcknowledgements : IHubClient
{
    readonly Lock gate = new();
    readonly List<TaskCompletionSource> sends = [];
    readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];

    public bool IsConnected => true;

    /// <summary>Sends started so far.</summary>
    public int Started
    {
        get
        {
            lock (gate)
            {
                return sends.Count;
            }
        }
    }

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SendAsync(HubMessage message, CancellationToken cancellationToken)
    {
        var acknowledgement = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => acknowledgement.TrySetCanceled(cancellationToken));
        lock (gate)
        {
            sends.Add(acknowledgement);
            foreach (var (count, reached) in waiters.Where(w => sends.Count >= w.Count))
            {
                reached.TrySetResult();
            }
        }

        return acknowledgement.Task;
    }

    public Task InFlight(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            waiters.Add((count, reached));
            if (sends.Count >= count)
            {
                reached.TrySetResult();
            }
        }

        return reached.Task;
    }

    /// <summary>Acknowledges the send that started <paramref name="index"/>th (from 0).</summary>
    public void Acknowledge(int index)
    {
        lock (gate)
        {
            sends[index].TrySetResult();
        }
    }

    public void AcknowledgeAll()
    {
        lock (gate)
        {
            sends.ForEach(s => s.TrySetResult());
        }
    }

    public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
