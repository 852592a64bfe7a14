using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using HubSimulator.Cloud;
using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using TestInfrastructure;
using static IotHub.Amqp.AmqpCloudLinks;

namespace HubSimulator.Tests;

/// <summary>
/// Twin, direct methods and cloud-to-device over AMQP, driven from the admin API, with the rules the MQTT endpoint
/// keeps (CloudFeatureTests): status and version annotations, 32 KB documents, no desired push for an offline or
/// unsubscribed device, 404 for a device offline or without its methods links, 504 for a silent one, a C2D queue of
/// 50 with Accepted, Released and Rejected outcomes; each link only on the device's own paths.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class AmqpCloudFeatureTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>, IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    readonly HttpClient admin = new() { BaseAddress = hub.AdminUri };

    [Fact]
    public async Task Twin_ReportedPatchThenGet_AnsweredWithIntStatusAndLongVersion()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-twin-device");
        await device.AttachTwinAsync();

        var patched = await device.TwinAsync(TwinOperations.Patch, ReportedResource, """{"firmware":"1.2"}""", Patience);
        var twin = await device.TwinAsync(TwinOperations.Get, null, " ", Patience);

        Assert.Equal((204, 2L), (patched.Status, patched.Version));
        Assert.Equal(200, twin.Status);
        var document = JsonNode.Parse(twin.Body)!;
        Assert.Equal(("1.2", 2L), ((string?)document["reported"]!["firmware"], (long?)document["reported"]!["$version"]));
        Assert.Equal(1L, (long?)document["desired"]!["$version"]);
    }

    [Theory]
    [InlineData(TwinRules.MaxDocumentBytes - 3, 204)] // key "big" (3) + the string: exactly 32 KB
    [InlineData(TwinRules.MaxDocumentBytes - 2, 400)]
    public async Task ReportedPatch_AtAndOver32KB_AcceptedOrAnswered400WithTheTwinUnchanged(int length, int status)
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, $"amqp-size-device-{length}");
        await device.AttachTwinAsync();

        var answer = await device.TwinAsync(TwinOperations.Patch, ReportedResource, new JsonObject { ["big"] = new string('x', length) }.ToJsonString(), Patience);
        var twin = JsonNode.Parse((await device.TwinAsync(TwinOperations.Get, null, " ", Patience)).Body)!;

        Assert.Equal(status, answer.Status);
        Assert.Equal(status == 204, twin["reported"]!["big"] is not null);
        if (status == 400)
        {
            Assert.Contains("32 KB", (string?)JsonNode.Parse(answer.Body)!["message"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DesiredPatch_Subscribed_PushedWithoutCorrelationIdWithItsVersion_AndNotAfterUnsubscribing()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-desired-device");
        await device.AttachTwinAsync();
        var subscribed = await device.TwinAsync(TwinOperations.Put, DesiredNotificationsResource, " ", Patience);

        using var first = await admin.PatchAsJsonAsync("/devices/amqp-desired-device/twin/desired", new JsonObject { ["interval"] = 10 });
        first.EnsureSuccessStatusCode();
        var pushed = await device.NextDesiredAsync(Patience);
        var unsubscribed = await device.TwinAsync(TwinOperations.Delete, DesiredNotificationsResource, " ", Patience);
        using var second = await admin.PatchAsJsonAsync("/devices/amqp-desired-device/twin/desired", new JsonObject { ["interval"] = 20 });
        var after = await device.TwinAsync(TwinOperations.Get, null, " ", Patience); // answered after any push of the second patch

        Assert.Equal((200, 200), (subscribed.Status, unsubscribed.Status));
        Assert.Null(pushed.Properties?.CorrelationId);
        var patch = JsonNode.Parse(TestAmqpDevice.BodyOf(pushed))!;
        Assert.Equal((10, 2L), ((int?)patch["interval"], (long?)patch["$version"]));
        Assert.Equal(0, device.PendingDesired);
        Assert.Equal(20, (int?)JsonNode.Parse(after.Body)!["desired"]!["interval"]);
    }

    [Fact]
    public async Task DesiredPatch_MadeWhileDeviceOffline_NotPushedOnReconnectButInTheTwinItReads()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-offline-desired-device");
        await device.AttachTwinAsync();
        await device.TwinAsync(TwinOperations.Put, DesiredNotificationsResource, " ", Patience);
        await device.DisconnectAsync();

        using var response = await admin.PatchAsJsonAsync("/devices/amqp-offline-desired-device/twin/desired", new JsonObject { ["telemetryInterval"] = 7 });
        await device.ReconnectAsync();
        await device.AttachTwinAsync();
        await device.TwinAsync(TwinOperations.Put, DesiredNotificationsResource, " ", Patience);
        var twin = await device.TwinAsync(TwinOperations.Get, null, " ", Patience);

        response.EnsureSuccessStatusCode();
        Assert.Equal(0, device.PendingDesired); // a kept patch would have come before the answers to later requests
        var desired = JsonNode.Parse(twin.Body)!["desired"]!;
        Assert.Equal((7, 2L), ((int?)desired["telemetryInterval"], (long?)desired["$version"]));
    }

    [Fact]
    public async Task DirectMethod_FromTheAdminApi_SentWithUuidCorrelationIdAndNameAndReturnsTheDevicesAnswer()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-method-device");
        await device.AttachMethodsAsync();

        var call = admin.PostAsJsonAsync("/devices/amqp-method-device/methods/reboot", new InvokeMethodRequest(new JsonObject { ["delay"] = 1 }, 20));
        var request = await device.NextMethodCallAsync(Patience);
        device.AnswerMethod(request, 201, """{"rebooting":true}""");
        using var response = await call;

        Assert.Equal("MessageIdUuid", request.Properties.CorrelationId!.GetType().Name); // an AMQP uuid, as the SDKs expect
        Assert.True(Guid.TryParse(request.Properties.CorrelationId.ToString(), out _));
        Assert.Equal("reboot", request.ApplicationProperties.Map[MethodNameProperty]);
        Assert.Equal(1, (int?)JsonNode.Parse(TestAmqpDevice.BodyOf(request))!["delay"]);
        var result = await response.Content.ReadFromJsonAsync<InvokeMethodResponse>();
        Assert.Equal(201, result!.Status);
        Assert.True((bool?)result.Payload!["rebooting"]);
    }

    [Fact]
    public async Task DirectMethod_DeviceConnectedWithoutMethodsLinks_Is404AtOnce()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-no-methods-device");
        await device.AttachTwinAsync();

        using var response = await admin.PostAsJsonAsync("/devices/amqp-no-methods-device/methods/reboot", new InvokeMethodRequest(null, 20));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("connected over AMQP but not online for direct methods", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectMethod_DeviceDisconnected_Is404()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-gone-method-device");
        await device.AttachMethodsAsync();
        await device.DisconnectAsync();

        using var response = await admin.PostAsJsonAsync("/devices/amqp-gone-method-device/methods/reboot", new InvokeMethodRequest(null, 20));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not online", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectMethod_DeviceSilent_Is504()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-silent-method-device");
        await device.AttachMethodsAsync();

        using var response = await admin.PostAsJsonAsync("/devices/amqp-silent-method-device/methods/reboot", new InvokeMethodRequest(null, 1));
        var request = await device.NextMethodCallAsync(Patience); // it did arrive; the device just did not answer

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("did not answer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("reboot", request.ApplicationProperties.Map[MethodNameProperty]);
    }

    [Fact]
    public async Task CloudToDevice_WhileOffline_FiftyQueuedTheNextRefused403ThenDeliveredInOrderWithGuidTags()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-c2d-queue-device");
        await device.DisconnectAsync();
        for (var i = 0; i < CloudToDeviceMessages.MaxDepth; i++)
        {
            using var accepted = await admin.PostAsJsonAsync("/devices/amqp-c2d-queue-device/messages/devicebound",
                new CloudToDeviceRequest($"m{i}", new Dictionary<string, string> { ["n"] = $"{i}" }));
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var refused = await admin.PostAsJsonAsync("/devices/amqp-c2d-queue-device/messages/devicebound", new CloudToDeviceRequest("one too many", null));
        await device.ReconnectAsync();
        await device.AttachCloudToDeviceAsync();
        var messages = new List<AmqpMessage>();
        for (var i = 0; i < CloudToDeviceMessages.MaxDepth; i++)
        {
            messages.Add(await device.NextCloudToDeviceAsync(Patience));
        }

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("DeviceMaximumQueueDepthExceeded", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, CloudToDeviceMessages.MaxDepth).Select(i => $"m{i}"), messages.Select(TestAmqpDevice.BodyOf));
        Assert.All(messages, m => Assert.Equal(16, m.DeliveryTag.Count));
        Assert.Equal("7", messages[7].ApplicationProperties.Map["n"]);
        Assert.InRange(messages[0].Properties.AbsoluteExpiryTime!.Value - DateTime.UtcNow, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(61));
        Assert.Equal(CloudToDeviceMessages.MaxDepth, hub.CloudToDevice.Depth("amqp-c2d-queue-device")); // delivered, not settled yet
        foreach (var message in messages)
        {
            device.Settle(message, AmqpConstants.AcceptedOutcome);
        }

        await WaitUntilAsync(() => hub.CloudToDevice.Depth("amqp-c2d-queue-device") == 0, "the device's Accepted outcomes complete its 50 messages");
    }

    [Fact]
    public async Task CloudToDevice_Released_IsDeliveredAgain_Rejected_LeavesTheQueue()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-c2d-settle-device");
        await device.AttachCloudToDeviceAsync();

        using var sent = await admin.PostAsJsonAsync("/devices/amqp-c2d-settle-device/messages/devicebound", new CloudToDeviceRequest("try me", null));
        var first = await device.NextCloudToDeviceAsync(Patience);
        device.Settle(first, new Released());
        var again = await device.NextCloudToDeviceAsync(Patience);
        device.Settle(again, new Rejected());

        Assert.Equal(("try me", "try me"), (TestAmqpDevice.BodyOf(first), TestAmqpDevice.BodyOf(again)));
        Assert.Equal(first.Properties.MessageId!.ToString(), again.Properties.MessageId!.ToString());
        Assert.NotEqual(first.DeliveryTag.ToArray(), again.DeliveryTag.ToArray()); // a new lock token per delivery
        await WaitUntilAsync(() => hub.CloudToDevice.Depth("amqp-c2d-settle-device") == 0, "the Rejected outcome drops the message");
    }

    [Fact]
    public async Task Link_OnAnotherDevicesPath_IsRefusedUnauthorizedAndNothingIsDeliveredThere()
    {
        await using var device = await TestAmqpDevice.ConnectAsync(hub, "amqp-nosy-device");
        await using var victim = await TestAmqpDevice.ConnectAsync(hub, "amqp-victim-device");
        await device.AttachTwinAsync();

        var refused = await Assert.ThrowsAnyAsync<AmqpException>(() => device.AttachReceiverAsync(CloudToDevicePath("amqp-victim-device")));

        Assert.Equal(AmqpErrors.UnauthorizedAccess, refused.Error.Condition);
        await hub.Logs.WaitForAsync(Patience, "Refused device 'amqp-victim-device'", "the connection belongs to device 'amqp-nosy-device'");
    }

    static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token); // polls the hub's queue: the condition, not the delay, ends the wait
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within {Patience}: {what}.");
            }
        }
    }

    public void Dispose() => admin.Dispose();
}
