using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>The official Azure IoT Node.js device SDK (azure-iot-device with its MQTT and AMQP transports, X.509) against the simulator.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class NodeSdkTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
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
}
