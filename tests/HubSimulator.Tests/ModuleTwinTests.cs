using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using HubSimulator.Messages;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// The module process managed through the simulator as through IoT Hub: desired properties applied live and acknowledged
/// in the Plug and Play format, read on every connect, kept across restarts; direct methods; cloud-to-device messages.
/// Each runs over MQTT and AMQP (<c>Device__Transport</c>); the round trips also over their WebSocket transports, which
/// carry the same clients over another stream (a full set of four would double this class's run time in CI).
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class ModuleTwinTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>, IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    readonly HttpClient admin = new() { BaseAddress = hub.AdminUri };

    /// <summary>The module's two protocols over TLS.</summary>
    public static TheoryData<string> Transports => new() { "Mqtt", "Amqp" };

    /// <summary>Every transport: twin, methods and C2D work on each.</summary>
    public static TheoryData<string> EveryTransport => new() { "Mqtt", "Amqp", "MqttWebSocket", "AmqpWebSocket" };

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task AlertThreshold_100ThenMinus100_FlipsTheFlagOnTheNextReadings(string transport)
    {
        var deviceId = $"threshold-device-{transport}";
        await using var module = await StartAsync(deviceId, transport, interval: "00:00:00.050");

        foreach (var (threshold, expected) in new[] { (100, false), (-100, true) })
        {
            await PatchDesiredAsync(deviceId, new JsonObject { ["alertThreshold"] = threshold });
            await module.WaitForLineAsync(l => l.Contains($"Desired alertThreshold = {threshold} applied", StringComparison.Ordinal), Patience);
            var firstAfter = LastMessageId(deviceId) + 5; // a reading or two may have been judged before the change

            var later = await WaitForMessagesAsync(deviceId, m => m.Reading!.MessageId > firstAfter, 10);

            Assert.All(later, m => Assert.Equal(expected, m.TemperatureAlert));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TelemetryInterval_5SecondsTo200Milliseconds_ChangesTheRateWithinASecond(string transport)
    {
        var deviceId = $"interval-device-{transport}";
        await using var module = await StartAsync(deviceId, transport, interval: "00:00:05");
        await WaitForCountAsync(deviceId, 1);
        var before = hub.Telemetry.For(deviceId).Count;

        await PatchDesiredAsync(deviceId, new JsonObject { ["telemetryInterval"] = 0.2 });
        var changed = DateTimeOffset.UtcNow;
        var messages = await WaitForCountAsync(deviceId, before + 6);

        var next = messages[before];
        Assert.True(next.ReceivedAt - changed < TimeSpan.FromSeconds(1), $"first reading after the change came {(next.ReceivedAt - changed).TotalSeconds:0.00} s later");
        var span = messages[before + 5].ReceivedAt - next.ReceivedAt;
        Assert.InRange(span.TotalSeconds, 0.5, 2.5); // five more periods of 0.2 s, not of 5 s
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task SendData_FalseThenTrue_StopsTelemetryKeepsReadingsAndDeliversThemAllAfterwards(string transport)
    {
        var deviceId = $"pause-device-{transport}";
        await using var module = await StartAsync(deviceId, transport, interval: "00:00:00.050");
        await WaitForCountAsync(deviceId, 3);

        await PatchDesiredAsync(deviceId, new JsonObject { ["sendData"] = false });
        await module.WaitForLineAsync(l => l.Contains("Desired sendData = false applied", StringComparison.Ordinal), Patience);
        var pendingAtPause = await PendingAsync(deviceId); // a method round trip: sends in flight at the pause are done
        var deliveredAtPause = hub.Telemetry.For(deviceId).Count;
        int pending;
        while ((pending = await PendingAsync(deviceId)) < pendingAtPause + 20)
        {
            // each call is a round trip to the module; the outbox grows at 20 readings a second meanwhile
        }

        Assert.Equal(deliveredAtPause, hub.Telemetry.For(deviceId).Count);

        await PatchDesiredAsync(deviceId, new JsonObject { ["sendData"] = true });
        var all = await WaitForCountAsync(deviceId, deliveredAtPause + pending);

        var ids = all.Select(m => m.Reading!.MessageId).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(0, ids.Count).Select(i => (long)i), ids); // none lost
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task DesiredChange_WhileTheModuleIsStopped_IsAppliedAtStartAndKeptWithoutNetwork(string transport)
    {
        var deviceId = $"offline-device-{transport}";
        var environment = Environment(deviceId, transport, interval: "00:00:00.200");
        await using (var first = await StartAsync(environment))
        {
            first.Terminate();
            await first.WaitForExitAsync(Patience);
        }

        var version = await PatchDesiredAsync(deviceId, new JsonObject { ["alertThreshold"] = -100 });
        await using (var second = await StartAsync(environment))
        {
            await second.WaitForLineAsync(l => l.Contains("Desired alertThreshold = -100 applied", StringComparison.Ordinal), Patience);
            var reading = await InvokeAsync(deviceId, "readNow");
            Assert.Equal(200, reading.Status);
            Assert.True((bool?)reading.Payload!["temperatureAlert"]);
            second.Terminate();
            await second.WaitForExitAsync(Patience);
        }

        environment["Device__Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture); // no hub there
        await using var third = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        var restored = await third.WaitForLineAsync(l => l.Contains("Remote settings of desired $version", StringComparison.Ordinal), Patience);
        Assert.Contains($"$version {version} restored", restored, StringComparison.Ordinal);
        Assert.Contains("alert above -100 °C", restored, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task DesiredValue_Bad_IsAcknowledgedWith400AndTheOldValueKeepsWorking(string transport)
    {
        var deviceId = $"bad-value-device-{transport}";
        await using var module = await StartAsync(deviceId, transport, interval: "00:00:00.200");
        await PatchDesiredAsync(deviceId, new JsonObject { ["alertThreshold"] = 100 });
        await module.WaitForLineAsync(l => l.Contains("Desired alertThreshold = 100 applied", StringComparison.Ordinal), Patience);

        var version = await PatchDesiredAsync(deviceId, new JsonObject { ["alertThreshold"] = "hot" });
        await module.WaitForLineAsync(l => l.Contains("Desired alertThreshold refused", StringComparison.Ordinal), Patience);
        var ack = await ReportedAckAsync(deviceId, "alertThreshold", version);

        Assert.Equal(400, (int?)ack["ac"]);
        Assert.Equal(100, (double?)ack["value"]);
        Assert.Contains("number", (string?)ack["ad"], StringComparison.Ordinal);
        var reading = await InvokeAsync(deviceId, "readNow");
        Assert.False((bool?)reading.Payload!["temperatureAlert"]);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task ReadNow_ReturnsAReadingThatAlsoArrivesAsTelemetry(string transport)
    {
        var deviceId = $"read-now-device-{transport}";
        await using var module = await StartAsync(deviceId, transport, interval: "00:00:05");

        var answer = await InvokeAsync(deviceId, "readNow");

        Assert.Equal(200, answer.Status);
        var timestamp = DateTimeOffset.Parse((string)answer.Payload!["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
        var sent = await WaitForMessagesAsync(deviceId, m => m.Reading!.Timestamp == timestamp, 1);
        Assert.Equal((double?)answer.Payload["temperature"], sent[0].Reading!.Temperature);
        Assert.Equal((double?)answer.Payload["humidity"], sent[0].Reading!.Humidity);
        Assert.Equal((bool?)answer.Payload["temperatureAlert"], sent[0].TemperatureAlert);
        // Its Plug and Play model, announced in the MQTT username or in the AMQP links' properties.
        var devices = JsonNode.Parse(await admin.GetStringAsync("/devices"))!.AsArray();
        Assert.Equal("dtmi:edgesensormodule:EdgeSensor;1", (string?)devices.Single(d => (string?)d!["deviceId"] == deviceId)!["modelId"]);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task Method_CalledMoreTimesThanALinkHasCredit_AnswersEveryCall(string transport)
    {
        var deviceId = $"many-calls-device-{transport}";
        await using var module = await StartAsync(deviceId, transport, interval: "00:00:05");

        var statuses = new List<int>();
        for (var call = 0; call < 60; call++) // an AMQP receiving link gives 50 credits, renewed only as messages are settled
        {
            statuses.Add((await InvokeAsync(deviceId, "getStatus")).Status);
        }

        Assert.All(statuses, status => Assert.Equal(200, status));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Method_Unknown_Answers501WithAJsonError(string transport)
    {
        var deviceId = $"unknown-method-device-{transport}";
        await using var module = await StartAsync(deviceId, transport, interval: "00:00:05");

        var answer = await InvokeAsync(deviceId, "reboot");

        Assert.Equal(501, answer.Status);
        Assert.Contains("unknown method 'reboot'", (string?)answer.Payload!["error"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task CloudToDevice_EmptyAndLargeBodies_AreLoggedWithTheirIdCompletedAndTelemetryGoesOn(string transport)
    {
        var deviceId = $"c2d-module-device-{transport}";
        await using var module = await StartAsync(deviceId, transport, interval: "00:00:00.100");

        foreach (var body in new[] { "", new string('x', 60_000) })
        {
            using var sent = await admin.PostAsJsonAsync($"/devices/{deviceId}/messages/devicebound",
                new CloudToDeviceRequest(body, new Dictionary<string, string> { ["kind"] = "test" }));
            sent.EnsureSuccessStatusCode();
            var messageId = (string?)(await sent.Content.ReadFromJsonAsync<JsonObject>())!["messageId"];
            var line = await module.WaitForLineAsync(l => l.Contains($"Cloud-to-device message {messageId}", StringComparison.Ordinal), Patience);
            Assert.Contains($"({body.Length} bytes)", line, StringComparison.Ordinal);
            Assert.Contains("kind=test", line, StringComparison.Ordinal);
        }

        var count = hub.Telemetry.For(deviceId).Count;
        await WaitForCountAsync(deviceId, count + 3);
        await WaitUntilAsync(() => hub.CloudToDevice.Depth(deviceId) == 0, "the hub's queue empties: both messages completed");
    }

    static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = Cancel(Patience);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token); // polls the hub's state; nothing to wait on
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within {Patience}: {what}.");
            }
        }
    }

    Dictionary<string, string?> Environment(string deviceId, string transport, string interval)
    {
        var device = hub.CaSignedDevice(deviceId);
        var environment = ModuleEnvironment.ForPfx(hub.Pki, device, deviceId, hub.PortFor(transport), count: 0);
        environment["Device__Transport"] = transport;
        environment["Telemetry__Interval"] = interval;
        environment["Device__OperationTimeout"] = "00:00:05";
        return environment;
    }

    Task<ModuleProcess> StartAsync(string deviceId, string transport, string interval) => StartAsync(Environment(deviceId, transport, interval));

    /// <summary>Starts the module and waits until it has read its twin (after which patches reach it).</summary>
    static async Task<ModuleProcess> StartAsync(Dictionary<string, string?> environment)
    {
        var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await module.WaitForLineAsync(l => l.Contains("Twin read", StringComparison.Ordinal), Patience);
        return module;
    }

    async Task<long> PatchDesiredAsync(string deviceId, JsonObject patch)
    {
        using var response = await admin.PatchAsJsonAsync($"/devices/{deviceId}/twin/desired", patch);
        response.EnsureSuccessStatusCode();
        var twin = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (long)twin!["desired"]!["$version"]!;
    }

    async Task<InvokeMethodResponse> InvokeAsync(string deviceId, string method)
    {
        using var response = await admin.PostAsJsonAsync($"/devices/{deviceId}/methods/{method}", new InvokeMethodRequest(new JsonObject(), 20));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<InvokeMethodResponse>())!;
    }

    async Task<int> PendingAsync(string deviceId)
    {
        var status = await InvokeAsync(deviceId, "getStatus");
        return (int)status.Payload!["outbox"]!["pending"]!;
    }

    /// <summary>Reads the twin until the module's acknowledgement of <paramref name="version"/> is in it.</summary>
    async Task<JsonObject> ReportedAckAsync(string deviceId, string property, long version)
    {
        using var deadline = Cancel(Patience);
        while (true)
        {
            var twin = await admin.GetFromJsonAsync<JsonObject>($"/devices/{deviceId}/twin", deadline.Token);
            if (twin!["reported"]![property] is JsonObject ack && (long?)ack["av"] >= version)
            {
                return ack;
            }

            await hub.Telemetry.WaitForAsync(deviceId, hub.Telemetry.For(deviceId).Count + 1, deadline.Token); // the next reading, then look again
        }
    }

    long LastMessageId(string deviceId) => hub.Telemetry.For(deviceId).Select(m => m.Reading!.MessageId).DefaultIfEmpty(-1).Max();

    async Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(string deviceId, Func<ReceivedMessage, bool> match, int count)
    {
        using var deadline = Cancel(Patience);
        while (true)
        {
            var all = hub.Telemetry.For(deviceId);
            var matching = all.Where(match).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            await hub.Telemetry.WaitForAsync(deviceId, all.Count + 1, deadline.Token);
        }
    }

    static CancellationTokenSource Cancel(TimeSpan after) => new(after);

    async Task<IReadOnlyList<ReceivedMessage>> WaitForCountAsync(string deviceId, int count)
    {
        using var deadline = Cancel(Patience);
        return await hub.Telemetry.WaitForAsync(deviceId, count, deadline.Token);
    }

    public void Dispose() => admin.Dispose();
}
