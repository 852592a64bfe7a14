using System.Text;
using IotHub.Protocol;

namespace IotHub.Protocol.Tests;

public class PropertyBagTests
{
    /// <summary>What the official Node.js SDK put on the wire for the seed's message (../shared/reference/iot-hub-protocol.md).</summary>
    const string NodeSdkTopic = "devices/dev1/messages/events/%24.mid=abc&%24.ct=application%2Fjson&%24.ce=utf-8&temperatureAlert=true";

    [Fact]
    public void Topic_SeedMessage_MatchesWhatTheNodeSdkSends()
    {
        var message = new HubMessage("abc", null, "application/json", "utf-8", [new("temperatureAlert", "true")], Encoding.UTF8.GetBytes("{}"));

        Assert.Equal(NodeSdkTopic, MqttTelemetry.Topic("dev1", message));
    }

    [Fact]
    public void SplitProperties_NodeSdkTopic_SeparatesSystemFromApplicationProperties()
    {
        var bag = NodeSdkTopic["devices/dev1/messages/events/".Length..];

        var (system, application) = MqttTelemetry.SplitProperties(bag);

        Assert.Equal("abc", system[SystemProperties.MessageId]);
        Assert.Equal("application/json", system[SystemProperties.ContentType]);
        Assert.Equal("utf-8", system[SystemProperties.ContentEncoding]);
        Assert.Equal([new KeyValuePair<string, string>("temperatureAlert", "true")], application);
    }

    [Fact]
    public void SplitProperties_TrailingSlashAsTheCSharpSdkSends_IsAccepted()
    {
        var (system, application) = MqttTelemetry.SplitProperties("%24.mid=1&a=b/");

        Assert.Equal("1", system[SystemProperties.MessageId]);
        Assert.Equal("b", Assert.Single(application).Value);
    }

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("x/y", "x%2Fy")]
    [InlineData("k&v=1", "k%26v%3D1")]
    [InlineData("é", "%C3%A9")]
    public void Encode_ReservedCharacters_AreEscapedLikeUriEscapeDataString(string raw, string escaped)
    {
        Assert.Equal($"{escaped}={escaped}", PropertyBag.Encode([new(raw, raw)]));
    }

    [Fact]
    public void Decode_EncodedPairs_RoundTrip()
    {
        KeyValuePair<string, string>[] pairs = [new("$.ctime", "2026-11-29T03:00:00.0000000Z"), new("note", "a=b&c"), new("empty", "")];

        Assert.Equal(pairs, PropertyBag.Decode(PropertyBag.Encode(pairs)));
    }

    [Fact]
    public void Decode_KeyWithoutValue_HasEmptyValue()
    {
        Assert.Equal([new KeyValuePair<string, string>("flag", "")], PropertyBag.Decode("flag"));
    }

    [Fact]
    public void Username_ForDevice_FollowsTheSdkForm()
    {
        Assert.Equal(
            "hub.azure-devices.net/dev1/?api-version=2021-04-12&DeviceClientType=EdgeSensorModule%2F1.0",
            MqttConnectionIdentity.Username("hub.azure-devices.net", "dev1", "EdgeSensorModule/1.0"));
    }

    [Fact]
    public void TryParseUsername_WhatTheModuleSends_YieldsHostAndDeviceId()
    {
        var ok = MqttConnectionIdentity.TryParseUsername(MqttConnectionIdentity.Username("hub.example", "dev1", "x/1"), out var host, out var deviceId);

        Assert.True(ok);
        Assert.Equal(("hub.example", "dev1"), (host, deviceId));
    }

    [Theory]
    [InlineData("dev1")]
    [InlineData("hub.example/dev1")]
    [InlineData("hub.example/dev1/?DeviceClientType=x")]
    [InlineData("hub.example/modules/dev1/?api-version=2021-04-12")]
    public void TryParseUsername_WithoutHostDeviceAndApiVersion_IsRefused(string username)
    {
        Assert.False(MqttConnectionIdentity.TryParseUsername(username, out _, out _));
    }
}
