using HubSimulator.Cloud;
using HubSimulator.Dashboard;
using HubSimulator.Messages;
using HubSimulator.Registry;

namespace HubSimulator.Tests.Dashboard;

/// <summary>The page's device list counts every message of each device and keeps when the last one came.</summary>
public sealed class FleetSummaryTests
{
    [Fact]
    public void Build_MessagesOfTwoDevices_CountsEachAndTheTotalWithTheLastArrival()
    {
        var registry = new DeviceRegistry();
        registry.AddDevice("fleet-a", DeviceAuthentication.CaSigned);
        registry.AddDevice("fleet-b", DeviceAuthentication.CaSigned);
        var fleet = new FleetSummary(registry, new DeviceConnections(TimeProvider.System), new TwinStore());

        fleet.Record(Message("fleet-a", 1));
        fleet.Record(Message("fleet-b", 2));
        fleet.Record(Message("fleet-a", 3));
        var summary = fleet.Build();

        var a = summary.Devices.Single(d => d.DeviceId == "fleet-a");
        var b = summary.Devices.Single(d => d.DeviceId == "fleet-b");
        Assert.Equal((2, DateTimeOffset.UnixEpoch.AddSeconds(3)), (a.MessageCount, a.LastMessageAt));
        Assert.Equal((1, DateTimeOffset.UnixEpoch.AddSeconds(2)), (b.MessageCount, b.LastMessageAt));
        Assert.Equal(3, summary.MessageCount);
    }

    static ReceivedMessage Message(string deviceId, int second) =>
        new(deviceId, DateTimeOffset.UnixEpoch.AddSeconds(second), $"devices/{deviceId}/messages/events/", new Dictionary<string, string>(), [], "{}", null, null);
}
