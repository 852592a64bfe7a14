using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubSimulator.Messages;

/// <summary>
/// Every message the hub received, per device, in memory; optionally appended as JSON lines to a file. Waiters (the
/// demo, tests) are woken on each new message.
/// </summary>
public sealed class MessageStore
{
    static readonly JsonSerializerOptions LineJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    readonly Lock gate = new();
    readonly List<ReceivedMessage> messages = [];
    readonly string? file;
    TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the store; <paramref name="file"/> receives one JSON object per line when set.</summary>
    public MessageStore(string? file = null)
    {
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
        TaskCompletionSource wake;
        lock (gate)
        {
            messages.Add(message);
            if (file is not null)
            {
                File.AppendAllText(file, JsonSerializer.Serialize(message, LineJson) + "\n");
            }

            wake = changed;
            changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.SetResult();
        Added?.Invoke(message);
    }

    /// <summary>The messages of one device, oldest first; every device's when <paramref name="deviceId"/> is null.</summary>
    public IReadOnlyList<ReceivedMessage> For(string? deviceId)
    {
        lock (gate)
        {
            return [.. messages.Where(m => deviceId is null || m.DeviceId == deviceId)];
        }
    }

    /// <summary>Waits until <paramref name="deviceId"/> has sent at least <paramref name="count"/> messages.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitForAsync(string deviceId, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (gate)
            {
                var received = messages.Where(m => m.DeviceId == deviceId).ToList();
                if (received.Count >= count)
                {
                    return received;
                }

                next = changed.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }
}
