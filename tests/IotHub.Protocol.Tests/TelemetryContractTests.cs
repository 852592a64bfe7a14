using System.Text;
using System.Text.Json;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;

namespace IotHub.Protocol.Tests;

public class TelemetryContractTests
{
    static readonly SensorTelemetry Reading = new()
    {
        DeviceId = "dev1",
        MessageId = 7,
        Temperature = 31.25,
        Humidity = 64.5,
        Timestamp = new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void ToHubMessage_Reading_HasTheSeedBodyPlusTimestamp()
    {
        var message = TelemetryContract.ToHubMessage(Reading, temperatureAlert: true, "mid-1");

        Assert.Equal(
            """{"deviceId":"dev1","messageId":7,"temperature":31.25,"humidity":64.5,"timestamp":"2026-11-29T03:00:00+00:00"}""",
            Encoding.UTF8.GetString(message.Body.Span));
    }

    [Fact]
    public void ToHubMessage_Reading_CarriesContentTypeEncodingIdTimeAndAlert()
    {
        var message = TelemetryContract.ToHubMessage(Reading, temperatureAlert: false, "mid-1");

        var (system, application) = MqttTelemetry.SplitProperties(PropertyBag.Encode(message.WireProperties()));
        Assert.Equal("mid-1", system[SystemProperties.MessageId]);
        Assert.Equal("application/json", system[SystemProperties.ContentType]);
        Assert.Equal("utf-8", system[SystemProperties.ContentEncoding]);
        Assert.Equal("2026-11-29T03:00:00.0000000Z", system[SystemProperties.CreationTimeUtc]);
        Assert.False(TelemetryContract.ReadAlert(application));
    }

    [Fact]
    public void ToHubMessage_NoHumidity_OmitsTheField()
    {
        var message = TelemetryContract.ToHubMessage(Reading with { Humidity = null }, temperatureAlert: false, "m");

        Assert.DoesNotContain("humidity", Encoding.UTF8.GetString(message.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void ParseBody_WrittenBody_RoundTrips()
    {
        var message = TelemetryContract.ToHubMessage(Reading, temperatureAlert: true, "m");

        Assert.Equal(Reading, TelemetryContract.ParseBody(message.Body.Span));
    }

    [Fact]
    public void ParseBody_MissingRequiredField_Throws()
    {
        Assert.Throws<JsonException>(() => TelemetryContract.ParseBody("""{"deviceId":"d","temperature":1}"""u8));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("TRUE", null)]
    public void ReadAlert_Value_IsStrict(string value, bool? expected)
    {
        Assert.Equal(expected, TelemetryContract.ReadAlert([new(TelemetryContract.TemperatureAlertProperty, value)]));
    }

    [Fact]
    public void NewMessageId_TwoCalls_Differ()
    {
        Assert.NotEqual(TelemetryContract.NewMessageId(), TelemetryContract.NewMessageId());
    }

    [Fact]
    public void NewMessageId_ManyAcrossRandomRefills_AreDistinctVersion4Guids()
    {
        var ids = Enumerable.Range(0, 2_000).Select(_ => TelemetryContract.NewMessageId()).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id =>
        {
            var guid = Guid.ParseExact(id, "N");
            Assert.Equal(4, guid.Version);
            Assert.Equal(0x8, guid.Variant & 0xC);
        });
    }
}
