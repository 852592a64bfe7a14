using System.Text;
using IotHub.Certificates;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// IoT Hub's rules that the module never breaks, checked with an independent client (mosquitto_pub with a TLS client
/// certificate): each refused as the hub refuses it, with a simulator log line saying why.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class HubRulesTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    TestPki Pki => hub.Pki;

    [Fact]
    public async Task MosquittoPub_RegisteredCaSignedDevice_TelemetryDecodedLikeTheModules()
    {
        var device = hub.CaSignedDevice("mosquitto-device");
        var reading = new SensorTelemetry { DeviceId = "mosquitto-device", MessageId = 3, Temperature = 30.5, Humidity = 70, Timestamp = DateTimeOffset.UtcNow };
        var message = TelemetryContract.ToHubMessage(reading, temperatureAlert: true, "mid-3");

        var result = await PublishAsync(device, "mosquitto-device", MqttTelemetry.Topic("mosquitto-device", message), Encoding.UTF8.GetString(message.Body.Span));

        Assert.True(result.ExitCode == 0, result.Output);
        var received = Assert.Single(hub.Telemetry.For("mosquitto-device"));
        Assert.Equal("mid-3", received.MessageId);
        Assert.True(received.TemperatureAlert);
        Assert.Equal(reading with { Timestamp = received.Reading!.Timestamp }, received.Reading);
        Assert.Equal(TelemetryContract.ContentType, received.SystemProperties[SystemProperties.ContentType]);
    }

    [Fact]
    public async Task Connect_ClientIdNotTheDeviceIdOfTheUsername_IsRefusedNotAuthorized()
    {
        var device = hub.CaSignedDevice("named-device");

        var result = await PublishAsync(device, "named-device", Telemetry("named-device"), "{}", clientId: "another-id");

        AssertNotAuthorized(result);
        await hub.Logs.WaitForAsync(Patience, "Refused device 'another-id'", "client id 'another-id' is not the device id 'named-device'");
    }

    [Theory]
    [InlineData("named-device-2")]
    [InlineData("localhost/named-device-2")]
    [InlineData("localhost/named-device-2/?DeviceClientType=x")]
    public async Task Connect_UsernameNotHostDeviceApiVersion_IsRefusedNotAuthorized(string username)
    {
        var device = hub.Registry.FindDevice("named-device-2") is null ? hub.CaSignedDevice("named-device-2") : Pki.IssueDevice("named-device-2");

        var result = await PublishAsync(device, "named-device-2", Telemetry("named-device-2"), "{}", username: username);

        AssertNotAuthorized(result);
        await hub.Logs.WaitForAsync(Patience, $"username '{username}' is not of the form {{host}}/{{deviceId}}/?api-version=");
    }

    [Fact]
    public async Task Connect_CertificateCnNotTheDeviceId_IsRefusedNotAuthorized()
    {
        hub.Registry.AddDevice("cn-device", HubSimulator.Registry.DeviceAuthentication.CaSigned);
        var device = Pki.IssueDevice("someone-else");

        var result = await PublishAsync(device, "cn-device", Telemetry("cn-device"), "{}");

        AssertNotAuthorized(result);
        await hub.Logs.WaitForAsync(Patience, "Refused device 'cn-device'", "certificate CN 'someone-else' is not the device id 'cn-device'");
    }

    [Theory]
    [InlineData(-3, "expired on")]
    [InlineData(2, "is not valid before")]
    public async Task Connect_CertificateOutsideItsValidity_IsRefusedNotAuthorized(int startInDays, string reason)
    {
        var id = startInDays < 0 ? "expired-device" : "future-device";
        hub.Registry.AddDevice(id, HubSimulator.Registry.DeviceAuthentication.CaSigned);
        var device = Pki.IssueDevice(id, new CertificateSpec(TimeSpan.FromDays(1), Pki.KeyType, DateTimeOffset.UtcNow.AddDays(startInDays)));

        var result = await PublishAsync(device, id, Telemetry(id), "{}");

        AssertNotAuthorized(result);
        await hub.Logs.WaitForAsync(Patience, $"Refused device '{id}'", reason);
    }

    [Fact]
    public async Task Tls_NoClientCertificate_HandshakeRefusedAndLogged()
    {
        await ExternalProcess.RunAsync("openssl", "apt-get install -y openssl",
            ["s_client", "-connect", $"127.0.0.1:{hub.MqttPort}", "-CAfile", Pki.ServerCaPem], Patience, standardInput: "");

        await hub.Logs.WaitForAsync(Patience, "Refused a TLS handshake: the client presented no certificate");
    }

    [Fact]
    public async Task Publish_QoS2_ClosesTheConnection()
    {
        var device = hub.CaSignedDevice("qos2-device");

        await PublishAsync(device, "qos2-device", Telemetry("qos2-device"), "{}", qos: 2);

        await hub.Logs.WaitForAsync(Patience, "Closed the connection of device 'qos2-device'", "QoS 2 publish");
        Assert.Empty(hub.Telemetry.For("qos2-device"));
    }

    [Fact]
    public async Task Publish_OnAnotherDevicesTopic_ClosesTheConnection()
    {
        var device = hub.CaSignedDevice("nosy-device");
        hub.CaSignedDevice("victim-device");

        await PublishAsync(device, "nosy-device", Telemetry("victim-device"), "{}");

        await hub.Logs.WaitForAsync(Patience, "Closed the connection of device 'nosy-device'", "outside the device's own topics");
        Assert.Empty(hub.Telemetry.For("victim-device"));
        Assert.Empty(hub.Telemetry.For("nosy-device"));
    }

    [Fact]
    public async Task Publish_MessageOver256KiB_ClosesTheConnection()
    {
        var device = hub.CaSignedDevice("big-device");

        await PublishAsync(device, "big-device", Telemetry("big-device"), new string('x', MqttConnectionIdentity.MaxMessageBytes + 1));

        await hub.Logs.WaitForAsync(Patience, "Closed the connection of device 'big-device'", $"exceeds IoT Hub's limit of {MqttConnectionIdentity.MaxMessageBytes} bytes");
        Assert.Empty(hub.Telemetry.For("big-device"));
    }

    [Fact]
    public async Task Publish_MessageOfExactly256KiB_IsAccepted()
    {
        var device = hub.CaSignedDevice("full-device");

        var result = await PublishAsync(device, "full-device", Telemetry("full-device"), new string('x', MqttConnectionIdentity.MaxMessageBytes));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(MqttConnectionIdentity.MaxMessageBytes, Assert.Single(hub.Telemetry.For("full-device")).Body.Length);
    }

    static string Telemetry(string deviceId) => MqttTopics.DeviceTelemetry(deviceId, "%24.mid=1");

    static void AssertNotAuthorized(ExternalResult result)
    {
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not authori", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    Task<ExternalResult> PublishAsync(DeviceFiles device, string deviceId, string topic, string body, string? clientId = null, string? username = null, int qos = 1) =>
        MosquittoPub.PublishAsync(hub.MqttPort, Pki.ServerCaPem, device.FullChainPem, device.KeyPem, clientId ?? deviceId,
            username ?? MqttConnectionIdentity.Username("localhost", deviceId, "mosquitto_pub"), topic, body, qos);
}
