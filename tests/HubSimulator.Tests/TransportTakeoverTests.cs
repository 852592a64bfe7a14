using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using HubSimulator.Registry;
using IotHub.Certificates;
using IotHub.Amqp;
using IotHub.Protocol;
using Microsoft.Azure.Amqp;
using TestInfrastructure;
using static IotHub.Amqp.AmqpCloudLinks;

namespace HubSimulator.Tests;

/// <summary>
/// One connection per device across transports, as IoT Hub keeps it: a device that connects over AMQP while
/// connected over MQTT (or the other way) loses the older connection, stays online, and the cloud features follow it
/// to the new one.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class TransportTakeoverTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>, IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    readonly HttpClient admin = new() { BaseAddress = hub.AdminUri };

    [Fact]
    public async Task Amqp_WhileConnectedOverMqtt_ClosesTheMqttConnectionAndTakesTheDesiredPushes()
    {
        using var certificate = Register("takeover-to-amqp");
        await using var mqtt = await TestDevice.ConnectAsync(hub, "takeover-to-amqp", Copy(certificate));
        await using var amqp = await TestAmqpDevice.ConnectAsync(hub, "takeover-to-amqp", certificate);

        await amqp.AttachTwinAsync(); // the first link authenticates the device and takes over
        await hub.Logs.WaitForAsync(Patience, "Dropped the older MQTT connection of device 'takeover-to-amqp'");
        await amqp.TwinAsync(TwinOperations.Put, DesiredNotificationsResource, " ", Patience);
        using var patched = await admin.PatchAsJsonAsync("/devices/takeover-to-amqp/twin/desired", new JsonObject { ["interval"] = 3 });
        var pushed = await amqp.NextDesiredAsync(Patience);
        using var connection = await admin.GetAsync(new Uri("/devices/takeover-to-amqp/connection", UriKind.Relative));

        Assert.False(mqtt.IsConnected);
        Assert.Equal(3, (int?)JsonNode.Parse(TestAmqpDevice.BodyOf(pushed))!["interval"]);
        Assert.Equal(HttpStatusCode.OK, connection.StatusCode); // still online: the MQTT close did not count as leaving
    }

    [Fact]
    public async Task Mqtt_WhileConnectedOverAmqp_ClosesTheAmqpConnectionWithConnectionForcedAndTakesTheMethods()
    {
        using var certificate = Register("takeover-to-mqtt");
        await using var amqp = await TestAmqpDevice.ConnectAsync(hub, "takeover-to-mqtt", certificate);
        await amqp.AttachMethodsAsync();

        await using var mqtt = await TestDevice.ConnectAsync(hub, "takeover-to-mqtt", Copy(certificate));
        var closedWith = await amqp.ClosedAsync(Patience);
        var call = admin.PostAsJsonAsync("/devices/takeover-to-mqtt/methods/ping", new InvokeMethodRequest(null, 20));
        var request = await mqtt.NextAsync(MqttTopics.MethodRequestPrefix, Patience);
        await mqtt.PublishAsync(MqttTopics.MethodResponse(200, request.Topic[(request.Topic.IndexOf("$rid=", StringComparison.Ordinal) + 5)..]), "{}");
        using var answered = await call;
        using var connection = await admin.GetAsync(new Uri("/devices/takeover-to-mqtt/connection", UriKind.Relative));

        Assert.Equal(AmqpErrors.ConnectionForced, Assert.IsType<AmqpException>(closedWith).Error.Condition);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, connection.StatusCode);
    }

    /// <summary>Registers a self-signed device by thumbprint; both transports' connections use copies of its certificate.</summary>
    X509Certificate2 Register(string deviceId)
    {
        var certificate = CertificateFactory.CreateSelfSignedDevice(deviceId, new CertificateSpec(TimeSpan.FromDays(1), KeyType.EcdsaP256));
        hub.Registry.AddDevice(deviceId, DeviceAuthentication.SelfSigned, certificate.GetCertHashString(HashAlgorithmName.SHA1));
        return certificate;
    }

    static X509Certificate2 Copy(X509Certificate2 certificate) => X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);

    public void Dispose() => admin.Dispose();
}
