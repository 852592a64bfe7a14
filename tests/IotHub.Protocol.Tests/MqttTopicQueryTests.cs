using IotHub.Protocol;

namespace IotHub.Protocol.Tests;

public sealed class MqttTopicQueryTests
{
    [Fact]
    public void TryParseTwinResponse_ReportedPatchAnswer_ReadsStatusAndRequestId()
    {
        Assert.True(MqttTopicQuery.TryParseTwinResponse("$iothub/twin/res/204/?$rid=7&$version=6", out var status, out var rid));

        Assert.Equal((204, "7"), (status, rid));
    }

    [Theory]
    [InlineData("$iothub/twin/res/abc/?$rid=7")]
    [InlineData("$iothub/twin/res/200/")]
    [InlineData("$iothub/twin/res/200/?$version=3")]
    [InlineData("$iothub/methods/POST/readNow/?$rid=1")]
    public void TryParseTwinResponse_OtherTopics_AreNotAnswers(string topic)
    {
        Assert.False(MqttTopicQuery.TryParseTwinResponse(topic, out _, out _));
    }

    [Fact]
    public void TryParseMethodRequest_RequestTopic_ReadsNameAndRequestId()
    {
        Assert.True(MqttTopicQuery.TryParseMethodRequest(MqttTopics.MethodRequest("readNow", "12"), out var name, out var rid));

        Assert.Equal(("readNow", "12"), (name, rid));
    }

    [Fact]
    public void DesiredPatchVersion_PatchTopic_ReadsTheVersion()
    {
        Assert.Equal(5, MqttTopicQuery.DesiredPatchVersion(MqttTopics.TwinDesiredPatch(5)));
        Assert.Null(MqttTopicQuery.DesiredPatchVersion(MqttTopics.TwinDesiredPatchPrefix));
    }

    [Fact]
    public void Username_WithModelId_AddsItEscapedAndStillParses()
    {
        var username = MqttConnectionIdentity.Username("hub.example", "dev1", "EdgeSensorModule/1.0", "dtmi:com:example:Thermostat;1");

        Assert.EndsWith("&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1", username, StringComparison.Ordinal);
        Assert.Equal("dtmi:com:example:Thermostat;1", MqttTopicQuery.Parameter(username, MqttTopicQuery.ModelId));
        Assert.True(MqttConnectionIdentity.TryParseUsername(username, out _, out var deviceId));
        Assert.Equal("dev1", deviceId);
    }
}
