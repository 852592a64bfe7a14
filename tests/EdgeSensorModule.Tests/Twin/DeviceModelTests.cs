using System.Text.Json.Nodes;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Methods;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sensors.Resilience;
using EdgeSensorModule.Tests.Outbox;
using EdgeSensorModule.Twin;
using IotHub.Certificates;
using IotHub.Protocol.Telemetry;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Twin;

/// <summary>The committed DTDL model (Model/EdgeSensor.json) and the code agree, both ways.</summary>
public sealed class DeviceModelTests
{
    static readonly JsonObject Model = (JsonObject)JsonNode.Parse(File.ReadAllText(ModelPath()))!;

    static IEnumerable<JsonObject> Contents(string type) =>
        Model["contents"]!.AsArray().OfType<JsonObject>().Where(c => Types(c).Contains(type));

    static IEnumerable<string> Types(JsonObject content) =>
        content["@type"] is JsonArray many ? many.Select(t => (string)t!) : [(string)content["@type"]!];

    static string[] Names(IEnumerable<JsonObject> contents) => [.. contents.Select(c => (string)c["name"]!).Order(StringComparer.Ordinal)];

    static string[] Sorted(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];

    [Fact]
    public void Model_Id_IsTheIdTheModuleSends()
    {
        Assert.Equal(DeviceModel.Id, (string?)Model["@id"]);
        Assert.Equal("dtmi:dtdl:context;2", (string?)Model["@context"]); // what IoT Central reads today
    }

    [Fact]
    public void Model_WritableProperties_AreExactlyTheOnesTheModuleApplies()
    {
        var writable = Contents("Property").Where(p => (bool?)p["writable"] == true);

        Assert.Equal(Sorted([WritablePropertyNames.AlertThreshold, WritablePropertyNames.TelemetryInterval, WritablePropertyNames.SendData]), Names(writable));
    }

    [Fact]
    public void Model_ReadOnlyProperties_AreExactlyTheOnesTheModuleReports()
    {
        var readOnly = Contents("Property").Where(p => (bool?)p["writable"] != true);

        Assert.Equal(Sorted(ReportedPropertyNames.All), Names(readOnly));
    }

    [Fact]
    public void Model_Commands_AreExactlyTheMethodsTheModuleAnswers()
    {
        Assert.Equal(Sorted(MethodNames.All), Names(Contents("Command")));
    }

    [Fact]
    public void Model_Telemetry_IsInEveryReadingTheModuleSends()
    {
        var message = TelemetryContract.ToHubMessage(
            new SensorTelemetry { DeviceId = "d", MessageId = 0, Temperature = 20, Humidity = 50, Timestamp = DateTimeOffset.UnixEpoch }, false, "m");
        var body = (JsonObject)JsonNode.Parse(message.Body.Span)!;

        Assert.All(Names(Contents("Telemetry")), name => Assert.True(body.ContainsKey(name), $"telemetry '{name}' is not in the body"));
        Assert.Equal(["humidity", "temperature"], Names(Contents("Telemetry")));
    }

    [Fact]
    public void Model_StatusSchemas_HaveExactlyTheFieldsTheModuleReports()
    {
        using var files = new OutboxFiles();
        using var outbox = files.Open();
        using var identity = new ClientIdentity(CertificateFactory.CreateSelfSignedDevice("dev1"), []);
        var status = new StatusReport(new FakeSensor(1, TimeProvider.System), new SensorHealth(), Options.Create(new SensorOptions()), outbox,
            new DeliveryProgress(), identity, new LiveSettings(Options.Create(new AlertOptions()), Options.Create(new TelemetryOptions())), TimeProvider.System).Build();

        var statusFields = Fields("dtmi:edgesensormodule:EdgeSensor:Status;1");
        Assert.Equal(Sorted(status.Select(p => p.Key)), statusFields.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (name, schema) in statusFields)
        {
            if (status[name] is JsonObject reported)
            {
                Assert.Equal(Sorted(reported.Select(p => p.Key)), Sorted(Fields(schema).Keys));
            }
        }
    }

    [Fact]
    public void Model_ReadNowResponse_HasTheFieldsTheMethodReturns()
    {
        Assert.Equal(Sorted(["temperature", "humidity", "temperatureAlert", "timestamp"]), Sorted(Fields("dtmi:edgesensormodule:EdgeSensor:Reading;1").Keys));
    }

    static Dictionary<string, string> Fields(string schemaId) =>
        Model["schemas"]!.AsArray().OfType<JsonObject>().Single(s => (string?)s["@id"] == schemaId)["fields"]!.AsArray()
            .OfType<JsonObject>().ToDictionary(f => (string)f["name"]!, f => (string)f["schema"]!);

    static string ModelPath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "modules", "EdgeSensorModule", "Model", "EdgeSensor.json");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("modules/EdgeSensorModule/Model/EdgeSensor.json not found above " + AppContext.BaseDirectory);
    }
}
