using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// The official Azure IoT Node.js device SDK (azure-iot-device with its MQTT and AMQP transports, X.509) against the
/// simulator: telemetry, and the twin, direct methods and cloud-to-device messages, so that the simulator's rules are
/// checked by a client we did not write.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class NodeSdkTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NodeSdk_X509CaSignedDevice_TelemetryAcceptedAndDecodedLikeTheModules()
    {
        var device = hub.CaSignedDevice("node-device");

        var result = await Peers.NodeSendAsync($"localhost:{hub.MqttPort}", "node-device", device.FullChainPem, device.KeyPem, hub.Pki.ServerCaPem);

        Assert.True(result.ExitCode == 0, result.Output);
        var received = Assert.Single(hub.Telemetry.For("node-device"));
        Assert.Equal("devices/node-device/messages/events/%24.mid=abc&%24.ct=application%2Fjson&%24.ce=utf-8&temperatureAlert=true", received.Topic);
        Assert.Equal("abc", received.MessageId);
        Assert.Equal(TelemetryContract.ContentType, received.SystemProperties[SystemProperties.ContentType]);
        Assert.Equal(TelemetryContract.ContentEncoding, received.SystemProperties[SystemProperties.ContentEncoding]);
        Assert.True(received.TemperatureAlert);
        Assert.Equal(("node-device", 7L, 31.5, (double?)64.25), (received.Reading!.DeviceId, received.Reading.MessageId, received.Reading.Temperature, received.Reading.Humidity));
    }

    [Fact]
    public async Task NodeSdkAmqp_X509CaSignedDevice_TelemetryAcceptedAndDecodedLikeOverMqtt()
    {
        var device = hub.CaSignedDevice("node-amqp-device");

        var result = await Peers.NodeSendAsync($"localhost:{hub.AmqpPort}", "node-amqp-device", device.FullChainPem, device.KeyPem, hub.Pki.ServerCaPem, "Amqp");

        Assert.True(result.ExitCode == 0, result.Output);
        var received = Assert.Single(hub.Telemetry.For("node-amqp-device"));
        Assert.Equal("/devices/node-amqp-device/messages/events", received.Topic);
        Assert.Equal("abc", received.MessageId);
        Assert.Equal(TelemetryContract.ContentType, received.SystemProperties[SystemProperties.ContentType]);
        Assert.Equal(TelemetryContract.ContentEncoding, received.SystemProperties[SystemProperties.ContentEncoding]);
        Assert.Equal([new("temperatureAlert", "true")], received.ApplicationProperties);
        Assert.True(received.TemperatureAlert);
        Assert.Equal(("node-amqp-device", 7L, 31.5, (double?)64.25), (received.Reading!.DeviceId, received.Reading.MessageId, received.Reading.Temperature, received.Reading.Humidity));
        await hub.Logs.WaitForAsync(TimeSpan.FromSeconds(20), "Device 'node-amqp-device' authenticated: CA signed");
    }

    [Fact]
    public async Task NodeSdkAmqp_UnregisteredDevice_IsRefusedAtLinkAttach()
    {
        var device = hub.Pki.IssueDevice("node-amqp-stranger");

        var result = await Peers.NodeSendAsync($"localhost:{hub.AmqpPort}", "node-amqp-stranger", device.FullChainPem, device.KeyPem, hub.Pki.ServerCaPem, "Amqp");

        Assert.NotEqual(0, result.ExitCode);
        await hub.Logs.WaitForAsync(TimeSpan.FromSeconds(20), "Refused device 'node-amqp-stranger'", "amqp:unauthorized-access", "is not registered");
        Assert.Empty(hub.Telemetry.For("node-amqp-stranger"));
    }

    [Fact]
    public async Task NodeSdk_UnregisteredDevice_IsRefused()
    {
        var device = hub.Pki.IssueDevice("node-stranger");

        var result = await Peers.NodeSendAsync($"localhost:{hub.MqttPort}", "node-stranger", device.FullChainPem, device.KeyPem, hub.Pki.ServerCaPem);

        Assert.NotEqual(0, result.ExitCode);
        await hub.Logs.WaitForAsync(TimeSpan.FromSeconds(20), "Refused device 'node-stranger'", "is not registered");
    }

    [Theory]
    [InlineData("Mqtt")]
    [InlineData("Amqp")]
    public async Task NodeSdk_TwinMethodAndCloudToDevice_EachRoundTripsWithTheHubsVersionsAndCodes(string transport)
    {
        const string ModelId = "dtmi:com:example:EdgeSensor;1";
        var id = $"node-twin-{transport.ToLowerInvariant()}";
        var files = hub.CaSignedDevice(id);
        using var admin = new HttpClient { BaseAddress = hub.AdminUri };
        using (var before = await admin.PatchAsJsonAsync($"/devices/{id}/twin/desired", new JsonObject { ["alertThreshold"] = 25 }))
        {
            before.EnsureSuccessStatusCode(); // made while the device is offline: it reads it in its twin GET
        }

        await using var node = Peers.StartNodeDevice($"localhost:{hub.PortFor(transport)}", id, files.FullChainPem, files.KeyPem, hub.Pki.ServerCaPem, ModelId, transport);
        var twin = await EventAsync(node, "twin");
        var reported = await EventAsync(node, "reported");
        await EventAsync(node, "ready");

        using var patched = await admin.PatchAsJsonAsync($"/devices/{id}/twin/desired", new JsonObject { ["alertThreshold"] = 27 });
        var desired = await EventAsync(node, "desired");
        using var sent = await admin.PostAsJsonAsync($"/devices/{id}/messages/devicebound", new CloudToDeviceRequest("hello node", null, 600));
        var c2d = await EventAsync(node, "c2d");
        var (status, answer) = await InvokeGetStatusAsync(admin, id);
        var method = await EventAsync(node, "method");
        var exitCode = await node.WaitForExitAsync(Patience);

        Assert.Equal((25, 2L), ((int?)twin["desired"]!["alertThreshold"], (long?)twin["desired"]!["$version"]));
        Assert.Equal(1L, (long?)reported["version"]); // the SDK keeps the version of its GET; the hub's is checked below
        Assert.Equal((27, 3L), ((int?)desired["delta"]!["alertThreshold"], (long?)desired["delta"]!["$version"]));
        Assert.Equal(("hello node", true), ((string?)c2d["body"], (bool?)c2d["completed"]));
        Assert.NotNull(c2d["expiryTimeUtc"]); // MQTT: the $.exp text; AMQP: absolute-expiry-time, a date the SDK writes as a number
        Assert.Equal((HttpStatusCode.Accepted, (string?)JsonNode.Parse(await sent.Content.ReadAsStringAsync())!["messageId"]), (sent.StatusCode, (string?)c2d["messageId"]));
        Assert.True(answer is not null, $"getStatus answered {status}: {string.Join("\n", hub.Logs.Lines.Where(l => l.Contains(id, StringComparison.Ordinal)))}");
        Assert.Equal((HttpStatusCode.OK, 200, "node-sdk", 3), (status, answer.Status, (string?)answer.Payload!["answeredBy"], (int?)answer.Payload["echo"]!["n"]));
        Assert.Equal("getStatus", (string?)method["name"]);
        Assert.Equal(0, exitCode);
        Assert.Equal(0, hub.CloudToDevice.Depth(id)); // completed by the SDK's PUBACK (MQTT) or Accepted outcome (AMQP)
        var hubTwin = JsonNode.Parse(await admin.GetStringAsync($"/devices/{id}/twin"))!;
        Assert.Equal(("node-sdk", 2L), ((string?)hubTwin["reported"]!["firmware"], (long?)hubTwin["reported"]!["$version"]));
        if (transport == "Mqtt")
        {
            // The SDK announces a model id only over MQTT (in its username).
            var devices = JsonNode.Parse(await admin.GetStringAsync("/devices"))!.AsArray();
            Assert.Equal(ModelId, (string?)devices.Single(d => (string?)d!["deviceId"] == id)!["modelId"]);
        }
    }

    /// <summary>
    /// Calls <c>getStatus</c>. The SDK subscribes to methods (MQTT) or attaches its methods links (AMQP) in the
    /// background with no completion to wait for, and the hub (like IoT Hub) answers 404 while it has not: a call
    /// answered 404 or 504 is made again, at most 5 times.
    /// </summary>
    static async Task<(HttpStatusCode Status, InvokeMethodResponse? Answer)> InvokeGetStatusAsync(HttpClient admin, string deviceId)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await admin.PostAsJsonAsync($"/devices/{deviceId}/methods/getStatus", new InvokeMethodRequest(new JsonObject { ["n"] = 3 }, 3));
            if (response.StatusCode is not (HttpStatusCode.GatewayTimeout or HttpStatusCode.NotFound) || attempt == 5)
            {
                return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<InvokeMethodResponse>() : null);
            }
        }
    }

    static async Task<JsonNode> EventAsync(ModuleProcess node, string name) =>
        JsonNode.Parse(await node.WaitForLineAsync(l => l.StartsWith($"{{\"event\":\"{name}\"", StringComparison.Ordinal), Patience))!;
}
