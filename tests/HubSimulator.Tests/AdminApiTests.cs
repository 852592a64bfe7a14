using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using HubSimulator.Messages;
using HubSimulator.Registry;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// The admin API against bad input, on the running simulator: IoT Hub's device-id rules, bounded bodies, and one
/// <c>{"error": "..."}</c> line for every refusal, with the HTTP status that says what happened.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class AdminApiTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>, IDisposable
{
    readonly HttpClient admin = new() { BaseAddress = hub.AdminUri };

    public static TheoryData<string> IdsIotHubRefuses => new()
    {
        "with/slash",
        "new\nline",
        "grüße",
        "semi;colon",
        "space in it",
        new string('a', DeviceIds.MaxLength + 1),
    };

    [Theory]
    [MemberData(nameof(IdsIotHubRefuses))]
    public async Task AddDevice_IdOutsideIotHubRules_Is400WithOneErrorLineAndNotRegistered(string deviceId)
    {
        using var response = await admin.PostAsJsonAsync("/devices", new AddDeviceRequest(deviceId, DeviceAuthentication.CaSigned));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("deviceId", await ErrorLineAsync(response), StringComparison.Ordinal);
        Assert.Null(hub.Registry.FindDevice(deviceId));
    }

    [Fact]
    public async Task AddDevice_IdWithEveryCharacterIotHubAllows_IsRegistered()
    {
        var deviceId = "Az09-.+%_#*?!(),:=@$'" + new string('x', DeviceIds.MaxLength - 21);

        using var response = await admin.PostAsJsonAsync("/devices", new AddDeviceRequest(deviceId, DeviceAuthentication.CaSigned));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(hub.Registry.FindDevice(deviceId));
    }

    [Fact]
    public async Task AddCa_NameWithASlash_Is400WithOneErrorLine()
    {
        using var response = await admin.PostAsJsonAsync("/cas", new AddCaRequest("../escape", hub.Pki.RootCa.ExportCertificatePem()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("name", await ErrorLineAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDevice_TwentyMegabyteBody_IsRefusedWithOneErrorLineAndNotRegistered()
    {
        var before = hub.Registry.Devices().Count;
        using var body = new StringContent($$"""{"deviceId":"{{new string('a', 20 << 20)}}","authentication":"CaSigned"}""", Encoding.UTF8, "application/json");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/devices") { Content = body };
        request.Headers.ExpectContinue = true; // as curl sends a large body: the refusal comes before the upload

        using var response = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("bytes", await ErrorLineAsync(response), StringComparison.Ordinal);
        Assert.Equal(before, hub.Registry.Devices().Count);
    }

    [Theory]
    [InlineData("{\"deviceId\": ")]
    [InlineData("{\"deviceId\":\"unknown-field-device\",\"authentication\":\"CaSigned\",\"colour\":\"red\"}")]
    [InlineData("{\"deviceId\":\"bad-enum-device\",\"authentication\":\"Password\"}")]
    public async Task AddDevice_MalformedOrUnknownJson_Is400WithOneErrorLine(string json)
    {
        using var body = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await admin.PostAsync(new Uri("/devices", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ErrorLineAsync(response);
        Assert.Null(hub.Registry.FindDevice("unknown-field-device"));
    }

    [Fact]
    public async Task DirectMethod_DeviceOffline_IsHttp404WithOneErrorLine()
    {
        hub.Registry.AddDevice("offline-method-device", DeviceAuthentication.CaSigned);

        using var response = await admin.PostAsJsonAsync("/devices/offline-method-device/methods/reboot", new InvokeMethodRequest(null, 5));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not online", await ErrorLineAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectMethod_DeviceConnectedButSilent_IsHttp504WithOneErrorLine()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "silent-method-device");

        using var response = await admin.PostAsJsonAsync("/devices/silent-method-device/methods/reboot", new InvokeMethodRequest(null, 1));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("did not answer", await ErrorLineAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MethodVerb_DeviceOffline_ExitsNonZeroWithTheReason()
    {
        hub.Registry.AddDevice("offline-cli-device", DeviceAuthentication.CaSigned);

        var result = await Peers.SimulatorCliAsync(Path.GetTempPath(), "method", "--device", "offline-cli-device", "--name", "reboot", "--timeout", "2", "--admin", hub.AdminUri.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not online", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageCount_AtLeastMoreThanStored_AnswersOnceThatManyAreStored()
    {
        var before = hub.Telemetry.Received;

        var counting = admin.GetFromJsonAsync<MessageCountResponse>($"/messages/count?atLeast={before + 2}&timeoutSeconds=60");
        hub.Telemetry.Add(Message("count-device-a"));
        hub.Telemetry.Add(Message("count-device-b"));

        Assert.Equal(before + 2, (await counting)!.Count);
    }

    [Fact]
    public async Task MessageCount_AtLeastNotReachedInTime_AnswersTheCountAfterTheTimeout()
    {
        hub.Telemetry.Add(Message("count-device-a"));
        var stored = hub.Telemetry.Received;
        var clock = Stopwatch.StartNew();

        var answer = await admin.GetFromJsonAsync<MessageCountResponse>($"/messages/count?atLeast={stored + 1}&timeoutSeconds=1");

        Assert.Equal(stored, answer!.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"answered after {clock.Elapsed.TotalMilliseconds:0} ms, before its timeout");
    }

    [Fact]
    public async Task MessageCount_WithoutAtLeast_AnswersAtOnce()
    {
        hub.Telemetry.Add(Message("count-device-a"));

        var answer = await admin.GetFromJsonAsync<MessageCountResponse>("/messages/count");

        Assert.Equal(hub.Telemetry.Received, answer!.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public async Task MessageCount_TimeoutOutsideOneTo300Seconds_Is400WithOneErrorLine(int timeoutSeconds)
    {
        using var response = await admin.GetAsync(new Uri($"/messages/count?atLeast=1&timeoutSeconds={timeoutSeconds}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("timeoutSeconds", await ErrorLineAsync(response), StringComparison.Ordinal);
    }

    static ReceivedMessage Message(string deviceId) =>
        new(deviceId, DateTimeOffset.UnixEpoch, $"devices/{deviceId}/messages/events/", new Dictionary<string, string>(), [], "{}", null, null);

    /// <summary>The refusal's body: <c>{"error": "one line"}</c>; returns the line.</summary>
    static async Task<string> ErrorLineAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var error = (string?)JsonNode.Parse(text)?["error"];
        Assert.False(string.IsNullOrWhiteSpace(error), $"no error line in '{text}'");
        Assert.DoesNotContain('\n', error);
        return error;
    }

    public void Dispose() => admin.Dispose();
}
