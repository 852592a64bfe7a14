using System.Text.Json.Nodes;
using EdgeSensorModule.Twin;

namespace EdgeSensorModule.Tests.Twin;

public class DesiredPropertiesParserTests
{
    static readonly DesiredSettings Current = new(30, TimeSpan.FromSeconds(5), true);

    [Fact]
    public void Apply_ValidDocument_AppliesEveryPropertyAndAcks200()
    {
        var update = DesiredPropertiesParser.Apply(Current, """{"alertThreshold":27,"telemetryInterval":0.2,"sendData":false,"$version":4}""");

        Assert.Equal(new DesiredSettings(27, TimeSpan.FromMilliseconds(200), false), update.Settings);
        Assert.Equal(4, update.Version);
        Assert.All(update.Acks, ack => Assert.Equal(PropertyAck.Applied, ack.Code));
        Assert.Equal(3, update.Acks.Count);
    }

    [Theory]
    [InlineData("""{"alertThreshold":"hot"}""", "alertThreshold")]
    [InlineData("""{"telemetryInterval":0}""", "telemetryInterval")]
    [InlineData("""{"telemetryInterval":-1}""", "telemetryInterval")]
    [InlineData("""{"telemetryInterval":1e308}""", "telemetryInterval")]
    [InlineData("""{"telemetryInterval":"5"}""", "telemetryInterval")]
    [InlineData("""{"sendData":"false"}""", "sendData")]
    [InlineData("""{"sendData":0}""", "sendData")]
    [InlineData("""{"colour":"red"}""", "colour")]
    public void Apply_BadMember_KeepsOldSettingsAndAcks400(string json, string name)
    {
        var update = DesiredPropertiesParser.Apply(Current, json);

        Assert.Equal(Current, update.Settings);
        var ack = Assert.Single(update.Acks);
        Assert.Equal((name, PropertyAck.Refused), (ack.Name, ack.Code));
    }

    [Fact]
    public void Apply_OneBadMemberBesideGoodOnes_AppliesOnlyTheGoodOnes()
    {
        var update = DesiredPropertiesParser.Apply(Current, """{"alertThreshold":25,"telemetryInterval":-3}""");

        Assert.Equal(Current with { AlertThreshold = 25 }, update.Settings);
    }

    [Fact]
    public void Apply_RefusedMember_ReportsTheValueStillInEffect()
    {
        var update = DesiredPropertiesParser.Apply(Current, """{"alertThreshold":"hot"}""");

        Assert.Equal(30, Assert.Single(update.Acks).Value!.GetValue<double>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("""{"alertThreshold":{"nested":[1,2]}}""")]
    [InlineData("""{"$version":"x","$metadata":{"$lastUpdated":"2026"}}""")]
    [InlineData("""{"alertThreshold":1,"alertThreshold":2}""")]
    [InlineData("{\"sendData\":true")]
    public void Apply_AnyDocumentShape_NeverThrowsAndChangesNothingInvalid(string json)
    {
        var update = DesiredPropertiesParser.Apply(Current, json);

        Assert.True(update.Settings == Current || update.Settings.AlertThreshold is 2 or 1);
    }

    [Fact]
    public void Apply_HubBookkeepingMembers_AreNotAcknowledged()
    {
        var update = DesiredPropertiesParser.Apply(Current, """{"$version":7,"$metadata":{}}""");

        Assert.Empty(update.Acks);
        Assert.Equal(7, update.Version);
    }

    [Fact]
    public void ToPatchJson_AppliedAndRefused_UsesPlugAndPlayAckFormat()
    {
        var update = DesiredPropertiesParser.Apply(Current, """{"alertThreshold":27,"sendData":1,"$version":9}""");

        var patch = JsonNode.Parse(ReportedAcks.ToPatchJson(update.Acks, update.Version))!;

        Assert.Equal("""{"value":27,"ac":200,"av":9,"ad":"applied"}""", patch["alertThreshold"]!.ToJsonString());
        Assert.Equal("""{"value":true,"ac":400,"av":9,"ad":"must be true or false"}""", patch["sendData"]!.ToJsonString());
    }

    [Fact]
    public void Apply_KnownPropertyRemoved_ReturnsItToTheEnvironmentSettingAndAcknowledgesIt()
    {
        var update = DesiredPropertiesParser.Apply(Current with { AlertThreshold = 27 }, """{"alertThreshold":null,"$version":10}""");

        Assert.Null(update.Settings.AlertThreshold);
        var ack = Assert.Single(update.Acks);
        Assert.Equal((WritablePropertyNames.AlertThreshold, PropertyAck.Applied), (ack.Name, ack.Code));
    }

    [Fact]
    public void Apply_UnknownPropertyRemoved_IsNotAcknowledged()
    {
        var update = DesiredPropertiesParser.Apply(Current, """{"colour":null,"$version":11}""");

        Assert.Empty(update.Acks);
        Assert.Equal(Current, update.Settings);
    }
}
