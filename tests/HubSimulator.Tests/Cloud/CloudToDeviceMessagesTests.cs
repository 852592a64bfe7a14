using HubSimulator.Cloud;
using Microsoft.Extensions.Time.Testing;

namespace HubSimulator.Tests.Cloud;

/// <summary>The cloud-to-device queue's time to live and depth, on a clock the test moves.</summary>
public sealed class CloudToDeviceMessagesTests
{
    readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 2, 4, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Enqueue_FullQueue_RefusedUntilTheOldestExpire()
    {
        var queue = new CloudToDeviceMessages(new DeviceLink(), clock);
        for (var i = 0; i < CloudToDeviceMessages.MaxDepth; i++)
        {
            Assert.NotNull(queue.Enqueue("d1", $"m{i}", [], TimeSpan.FromSeconds(10)));
        }

        var refused = queue.Enqueue("d1", "51st", [], TimeSpan.FromMinutes(1));
        var otherDevice = queue.Enqueue("d2", "another queue", [], TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromSeconds(10));
        var afterExpiry = queue.Enqueue("d1", "after expiry", [], TimeSpan.FromMinutes(1));

        Assert.Null(refused);
        Assert.NotNull(otherDevice);
        Assert.NotNull(afterExpiry);
        Assert.Equal(1, queue.Depth("d1"));
    }

    [Fact]
    public void Depth_ExpiredMessage_DroppedWhetherDeliveredOrNot()
    {
        var queue = new CloudToDeviceMessages(new DeviceLink(), clock);
        var taken = queue.Enqueue("d1", "taken, never completed", [], TimeSpan.FromSeconds(5))!;
        queue.Enqueue("d1", "never taken", [], TimeSpan.FromSeconds(5));
        queue.Taken("d1", taken.Topic);

        clock.Advance(TimeSpan.FromSeconds(4));
        var before = queue.Depth("d1");
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((2, 0), (before, queue.Depth("d1")));
    }

    [Fact]
    public void Completed_ByTheDevicesAcknowledgement_LeavesTheQueue()
    {
        var queue = new CloudToDeviceMessages(new DeviceLink(), clock);
        var first = queue.Enqueue("d1", "first", [], TimeSpan.FromMinutes(1))!;
        queue.Enqueue("d1", "second", [], TimeSpan.FromMinutes(1));

        queue.Completed("d1", first.Topic);

        Assert.Equal(1, queue.Depth("d1"));
    }
}
