using HubSimulator.Messages;

namespace HubSimulator.Tests.Messages;

/// <summary>
/// The in-memory store keeps only the newest messages (a fleet would otherwise fill the memory), while the message
/// file still gets every one and waiters still count every one.
/// </summary>
public sealed class MessageStoreTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("hubsim-store-").FullName;

    [Fact]
    public void Add_MoreThanMaxKept_KeepsOnlyTheNewestInOrder()
    {
        var store = new MessageStore(maxKept: 3);

        for (var n = 1; n <= 5; n++)
        {
            store.Add(Message(n % 2 == 0 ? "even" : "odd", n));
        }

        Assert.Equal(["3", "4", "5"], store.For(null).Select(m => m.Body));
    }

    [Fact]
    public void Add_MoreThanMaxKept_FileStillReceivesEveryMessage()
    {
        var file = Path.Combine(folder, "messages.jsonl");
        var store = new MessageStore(file, maxKept: 2);

        for (var n = 1; n <= 5; n++)
        {
            store.Add(Message("device", n));
        }

        Assert.Equal(5, File.ReadAllLines(file).Length);
    }

    [Fact]
    public async Task WaitFor_CountBeyondMaxKept_CompletesOnceThatManyArrived()
    {
        var store = new MessageStore(maxKept: 2);
        for (var n = 1; n <= 4; n++)
        {
            store.Add(Message("device", n));
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var kept = await store.WaitForAsync("device", 4, patience.Token);

        Assert.Equal(["3", "4"], kept.Select(m => m.Body));
    }

    [Fact]
    public async Task WaitForReceived_CountReachedByEveryDevicesMessages_CompletesOnlyWithTheLastOne()
    {
        var store = new MessageStore(maxKept: 1);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var waiting = store.WaitForReceivedAsync(3, patience.Token);
        store.Add(Message("one", 1));
        store.Add(Message("two", 2));
        var beforeTheThird = waiting.IsCompleted;
        store.Add(Message("one", 3));

        Assert.False(beforeTheThird);
        Assert.Equal(3, await waiting);
        Assert.Equal(3, store.Received);
    }

    static ReceivedMessage Message(string deviceId, int n) =>
        new(deviceId, DateTimeOffset.UnixEpoch.AddSeconds(n), $"devices/{deviceId}/messages/events/", new Dictionary<string, string>(), [], n.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null);

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
