using System.Text;
using System.Text.Json.Nodes;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Methods;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sensors.Resilience;
using EdgeSensorModule.Tests.Outbox;
using EdgeSensorModule.Twin;
using IotHub.Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Methods;

/// <summary>Direct-method answers that need no sampling loop: status codes, error payloads, getStatus.</summary>
public sealed class DirectMethodsTests : IDisposable
{
    readonly OutboxFiles files = new();
    readonly ClientIdentity identity = new(CertificateFactory.CreateSelfSignedDevice("dev1"), []);
    readonly EdgeSensorModule.Outbox.FileOutbox outbox;
    readonly DirectMethods methods;

    public DirectMethodsTests()
    {
        outbox = files.Open();
        var live = new LiveSettings(Options.Create(new AlertOptions()), Options.Create(new TelemetryOptions()));
        var status = new StatusReport(new FakeSensor(1, TimeProvider.System), new SensorHealth(), Options.Create(new SensorOptions()), outbox,
            new DeliveryProgress(), identity, live, TimeProvider.System);
        methods = new DirectMethods(new SamplingControl(), status, NullLogger<DirectMethods>.Instance);
    }

    [Fact]
    public async Task Invoke_UnknownMethod_Answers501WithAJsonError()
    {
        var answer = await methods.InvokeAsync("reboot", Encoding.UTF8.GetBytes("{}"), CancellationToken.None);

        Assert.Equal(501, answer.Status);
        Assert.Contains("unknown method 'reboot'", (string?)JsonNode.Parse(answer.Json)!["error"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("{} {}")]
    public async Task Invoke_MalformedPayload_Answers400(string payload)
    {
        var answer = await methods.InvokeAsync(MethodNames.GetStatus, Encoding.UTF8.GetBytes(payload), CancellationToken.None);

        Assert.Equal(400, answer.Status);
        Assert.NotNull((string?)JsonNode.Parse(answer.Json)!["error"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData(" {\"verbose\": true} ")]
    public async Task Invoke_GetStatusWithNoPayloadOrAnObject_Answers200WithTheStatus(string payload)
    {
        var answer = await methods.InvokeAsync(MethodNames.GetStatus, Encoding.UTF8.GetBytes(payload), CancellationToken.None);

        Assert.Equal(200, answer.Status);
        var status = JsonNode.Parse(answer.Json)!.AsObject();
        Assert.Equal(ReportedPropertyNames.All.Order(StringComparer.Ordinal), status.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(30, (double?)status[ReportedPropertyNames.EffectiveConfig]![WritablePropertyNames.AlertThreshold]);
    }

    [Fact]
    public async Task Invoke_ReadNowWhileSamplingIsNotRunning_Answers503WithTheReason()
    {
        var answer = await methods.InvokeAsync(MethodNames.ReadNow, ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        Assert.Equal(503, answer.Status);
        Assert.Contains("sampling is not running", (string?)JsonNode.Parse(answer.Json)!["error"], StringComparison.Ordinal);
    }

    public void Dispose()
    {
        identity.Dispose();
        outbox.Dispose();
        files.Dispose();
    }
}
