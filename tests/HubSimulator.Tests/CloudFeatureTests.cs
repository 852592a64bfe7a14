using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using HubSimulator.Cloud;
using IotHub.Protocol;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// Twin, direct methods and cloud-to-device over MQTT, driven from the admin API, and the rules IoT Hub keeps for them
/// (issue 13 item 7): no desired notification for an offline device, <c>$version</c> per patch, 32 KB documents, the
/// twin answers' status codes, a C2D queue of 50 per device with a time to live, the model id in the device list.
/// Direct methods to an offline or silent device (404, 504) are in AdminApiTests.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class CloudFeatureTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>, IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    readonly HttpClient admin = new() { BaseAddress = hub.AdminUri };

    [Fact]
    public async Task Twin_GetThenReportedPatch_AnsweredOnTheResponseTopicWithTheNewVersion()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "twin-device");

        await device.PublishAsync(MqttTopics.TwinReportedPatch("r1"), """{"firmware":"1.2","interval":5}""");
        var patched = await device.NextAsync(MqttTopics.TwinResponsePrefix, Patience);
        await device.PublishAsync(MqttTopics.TwinGet("r2"), "");
        var twin = await device.NextAsync(MqttTopics.TwinResponsePrefix, Patience);

        Assert.Equal("$iothub/twin/res/204/?$rid=r1&$version=2", patched.Topic);
        Assert.Equal(MqttTopics.TwinResponse(200, "r2"), twin.Topic);
        var document = JsonNode.Parse(twin.Payload)!;
        Assert.Equal("1.2", (string?)document["reported"]!["firmware"]);
        Assert.Equal(2, (long?)document["reported"]!["$version"]);
        Assert.NotNull(document["desired"]);
    }

    [Fact]
    public async Task DesiredPatch_FromTheAdminApi_IsPushedToTheDeviceWithItsVersion()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "desired-device");

        using var response = await admin.PatchAsJsonAsync("/devices/desired-device/twin/desired", new JsonObject { ["interval"] = 10 });
        var pushed = await device.NextAsync(MqttTopics.TwinDesiredPatchPrefix, Patience);

        response.EnsureSuccessStatusCode();
        Assert.Equal(MqttTopics.TwinDesiredPatch(2), pushed.Topic);
        Assert.Equal(10, (int?)JsonNode.Parse(pushed.Payload)!["interval"]);
    }

    [Fact]
    public async Task DirectMethod_FromTheAdminApi_ReturnsTheDevicesAnswer()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "method-device");

        var call = admin.PostAsJsonAsync("/devices/method-device/methods/reboot", new InvokeMethodRequest(new JsonObject { ["delay"] = 1 }, 20));
        var request = await device.NextAsync(MqttTopics.MethodRequestPrefix, Patience);
        var rid = request.Topic[(request.Topic.IndexOf("$rid=", StringComparison.Ordinal) + 5)..];
        await device.PublishAsync(MqttTopics.MethodResponse(200, rid), """{"rebooting":true}""");
        using var response = await call;

        Assert.StartsWith("$iothub/methods/POST/reboot/?$rid=", request.Topic, StringComparison.Ordinal);
        Assert.Equal(1, (int?)JsonNode.Parse(request.Payload)!["delay"]);
        var result = await response.Content.ReadFromJsonAsync<InvokeMethodResponse>();
        Assert.Equal(200, result!.Status);
        Assert.True((bool?)result.Payload!["rebooting"]);
    }

    [Fact]
    public async Task CloudToDevice_FromTheAdminApi_ArrivesOnTheDeviceboundTopicWithItsProperties()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "c2d-device");

        using var response = await admin.PostAsJsonAsync("/devices/c2d-device/messages/devicebound",
            new CloudToDeviceRequest("hello device", new Dictionary<string, string> { ["priority"] = "high" }));
        var message = await device.NextAsync(MqttTopics.CloudToDevicePrefix("c2d-device"), Patience);

        response.EnsureSuccessStatusCode();
        Assert.Equal("hello device", message.Payload);
        var (system, application) = MqttTelemetry.SplitProperties(message.Topic[MqttTopics.CloudToDevicePrefix("c2d-device").Length..]);
        Assert.True(system.ContainsKey(SystemProperties.MessageId));
        Assert.Equal([new("priority", "high")], application);
    }

    [Fact]
    public async Task HubAnswers_ForOneDevice_DoNotReachAnotherDeviceOnTheSameTopics()
    {
        await using var asking = await TestDevice.ConnectAsync(hub, "asking-device");
        await using var bystander = await TestDevice.ConnectAsync(hub, "bystander-device");

        await asking.PublishAsync(MqttTopics.TwinGet("only-mine"), "");
        await asking.NextAsync(MqttTopics.TwinResponsePrefix, Patience);
        await bystander.PublishAsync(MqttTopics.TwinGet("bystander"), "");
        var own = await bystander.NextAsync(MqttTopics.TwinResponsePrefix, Patience);

        // The bystander's own answer came after the other device's: had that leaked, it would have arrived first.
        Assert.Equal(MqttTopics.TwinResponse(200, "bystander"), own.Topic);
        Assert.Empty(bystander.Drain());
    }

    [Fact]
    public async Task DesiredPatch_MadeWhileDeviceOffline_NotDeliveredOnReconnectButInTheTwinItReads()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "offline-desired-device");
        await device.DisconnectAsync();

        using var response = await admin.PatchAsJsonAsync("/devices/offline-desired-device/twin/desired", new JsonObject { ["telemetryInterval"] = 7 });
        await device.ReconnectAsync();
        await device.PublishAsync(MqttTopics.TwinGet("after-reconnect"), "");
        var arrived = await device.UntilAsync(MqttTopics.TwinResponsePrefix, Patience);

        response.EnsureSuccessStatusCode();
        // A patch kept in the session would have been delivered on reconnect, ahead of the answer to a later request.
        Assert.DoesNotContain(arrived, m => m.Topic.StartsWith(MqttTopics.TwinDesiredPatchPrefix, StringComparison.Ordinal));
        Assert.Equal(MqttTopics.TwinResponse(200, "after-reconnect"), arrived[^1].Topic);
        var desired = JsonNode.Parse(arrived[^1].Payload)!["desired"]!;
        Assert.Equal(7, (int?)desired["telemetryInterval"]);
        Assert.Equal(2, (long?)desired["$version"]);
    }

    [Fact]
    public async Task TwinVersions_DesiredAndReported_EachGrowByOnePerPatch()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "version-device");

        var desiredVersions = new List<long?>();
        foreach (var interval in new[] { 5, 6, 7 })
        {
            using var response = await admin.PatchAsJsonAsync("/devices/version-device/twin/desired", new JsonObject { ["telemetryInterval"] = interval });
            response.EnsureSuccessStatusCode();
            desiredVersions.Add(MqttTopicQuery.DesiredPatchVersion((await device.NextAsync(MqttTopics.TwinDesiredPatchPrefix, Patience)).Topic));
        }

        var reportedVersions = new List<string?>();
        foreach (var rid in new[] { "a", "b" })
        {
            await device.PublishAsync(MqttTopics.TwinReportedPatch(rid), """{"firmware":"1.0"}""");
            reportedVersions.Add(MqttTopicQuery.Parameter((await device.NextAsync(MqttTopics.TwinResponsePrefix, Patience)).Topic, MqttTopicQuery.Version));
        }

        Assert.Equal([2L, 3L, 4L], desiredVersions);
        Assert.Equal(["2", "3"], reportedVersions);
    }

    [Theory]
    [InlineData(TwinRules.MaxDocumentBytes - 3, 204)] // key "big" (3) + the string: exactly 32 KB
    [InlineData(TwinRules.MaxDocumentBytes - 2, 400)]
    public async Task ReportedPatch_AtAndOver32KB_AcceptedOrAnswered400WithTheTwinUnchanged(int length, int status)
    {
        var id = $"size-device-{length}";
        await using var device = await TestDevice.ConnectAsync(hub, id);

        await device.PublishAsync(MqttTopics.TwinReportedPatch("big"), new JsonObject { ["big"] = new string('x', length) }.ToJsonString());
        var answer = await device.NextAsync(MqttTopics.TwinResponsePrefix, Patience);
        await device.PublishAsync(MqttTopics.TwinGet("check"), "");
        var twin = JsonNode.Parse((await device.NextAsync(MqttTopics.TwinResponsePrefix, Patience)).Payload)!;

        Assert.True(MqttTopicQuery.TryParseTwinResponse(answer.Topic, out var answered, out var rid));
        Assert.Equal((status, "big"), (answered, rid));
        Assert.Equal(status == 204, twin["reported"]!["big"] is not null);
        if (status == 400)
        {
            Assert.Contains("32 KB", (string?)JsonNode.Parse(answer.Payload)!["message"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReportedPatch_NotJson_Answered400()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "bad-json-device");

        await device.PublishAsync(MqttTopics.TwinReportedPatch("bad"), "{not json");
        var answer = await device.NextAsync(MqttTopics.TwinResponsePrefix, Patience);

        Assert.Equal(MqttTopics.TwinResponse(400, "bad"), answer.Topic);
    }

    [Theory]
    [InlineData("""{"big":"PAD"}""", "32 KB")]
    [InlineData("""{"a.b":1}""", "key 'a.b' is not allowed")]
    [InlineData("""{"l1":{"l2":{"l3":{"l4":{"l5":{"l6":{"l7":{"l8":{"l9":{"l10":{"l11":1}}}}}}}}}}}""", "deeper than IoT Hub's limit of 10")]
    public async Task DesiredPatch_OverTheHubsLimits_IsHttp400AndChangesNothing(string patch, string reason)
    {
        hub.Registry.AddDevice($"limits-{reason.Length}", HubSimulator.Registry.DeviceAuthentication.CaSigned);
        var twinUri = $"/devices/limits-{reason.Length}/twin";
        var before = await admin.GetStringAsync(twinUri);

        using var response = await admin.PatchAsync($"{twinUri}/desired",
            new StringContent(patch.Replace("PAD", new string('x', TwinRules.MaxDocumentBytes), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"], StringComparison.Ordinal);
        Assert.Equal(before, await admin.GetStringAsync(twinUri));
    }

    [Fact]
    public async Task CloudToDevice_WhileOffline_FiftyQueuedTheNextRefused403ThenDeliveredInOrderOnReconnect()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "c2d-queue-device");
        await device.DisconnectAsync();

        for (var i = 0; i < CloudToDeviceMessages.MaxDepth; i++)
        {
            using var accepted = await admin.PostAsJsonAsync("/devices/c2d-queue-device/messages/devicebound", new CloudToDeviceRequest($"m{i}", null));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var refused = await admin.PostAsJsonAsync("/devices/c2d-queue-device/messages/devicebound", new CloudToDeviceRequest("one too many", null));
        await device.ReconnectAsync();
        var bodies = new List<string>();
        for (var i = 0; i < CloudToDeviceMessages.MaxDepth; i++)
        {
            bodies.Add((await device.NextAsync(MqttTopics.CloudToDevicePrefix("c2d-queue-device"), Patience)).Payload);
        }

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("DeviceMaximumQueueDepthExceeded", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, CloudToDeviceMessages.MaxDepth).Select(i => $"m{i}"), bodies);
        await WaitUntilAsync(() => hub.CloudToDevice.Depth("c2d-queue-device") == 0, "the device's PUBACKs complete its 50 messages");
        using var again = await admin.PostAsJsonAsync("/devices/c2d-queue-device/messages/devicebound", new CloudToDeviceRequest("room again", null));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("room again", (await device.NextAsync(MqttTopics.CloudToDevicePrefix("c2d-queue-device"), Patience)).Payload);
    }

    [Fact]
    public async Task CloudToDevice_Message_CarriesItsExpiryTime()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "c2d-expiry-device");

        using var response = await admin.PostAsJsonAsync("/devices/c2d-expiry-device/messages/devicebound", new CloudToDeviceRequest("soon gone", null, 60));
        var message = await device.NextAsync(MqttTopics.CloudToDevicePrefix("c2d-expiry-device"), Patience);

        var (system, _) = MqttTelemetry.SplitProperties(message.Topic[MqttTopics.CloudToDevicePrefix("c2d-expiry-device").Length..]);
        var expiry = DateTimeOffset.Parse(system[SystemProperties.ExpiryTimeUtc], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiry - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(61));
    }

    [Fact]
    public async Task DeviceList_DeviceThatAnnouncedAModelId_ShowsItAlsoOnceOffline()
    {
        const string ModelId = "dtmi:com:example:EdgeSensor;1";
        await using (await TestDevice.ConnectAsync(hub, "pnp-device", ModelId))
        {
        }

        var devices = JsonNode.Parse(await admin.GetStringAsync("/devices"))!.AsArray();

        Assert.Equal(ModelId, (string?)devices.Single(d => (string?)d!["deviceId"] == "pnp-device")!["modelId"]);
    }

    static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within {Patience}: {what}.");
            }
        }
    }

    public void Dispose() => admin.Dispose();
}
