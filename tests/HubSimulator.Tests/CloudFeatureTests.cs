using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using IotHub.Protocol;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>Twin, direct methods and cloud-to-device over MQTT, driven from the admin API, as later module features need them.</summary>
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

    public void Dispose() => admin.Dispose();
}
