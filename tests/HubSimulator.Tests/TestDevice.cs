using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using HubSimulator.Registry;
using IotHub.Certificates;
using IotHub.Protocol;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace HubSimulator.Tests;

/// <summary>
/// A device on MQTTnet's client, registered by thumbprint (a self-signed certificate needs no chain), speaking the
/// hub's device topics directly: what a later module feature would do, written out in the test.
/// </summary>
public sealed class TestDevice : IAsyncDisposable
{
    readonly IMqttClient client;
    readonly X509Certificate2 certificate;
    readonly Channel<(string Topic, string Payload)> received = Channel.CreateUnbounded<(string, string)>();
    MqttClientOptions? options;

    TestDevice(string deviceId, IMqttClient client, X509Certificate2 certificate)
    {
        DeviceId = deviceId;
        this.client = client;
        this.certificate = certificate;
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Writer.TryWrite((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray())));
            return Task.CompletedTask;
        };
    }

    /// <summary>The device id.</summary>
    public string DeviceId { get; }

    /// <summary>True while the MQTT connection is open.</summary>
    public bool IsConnected => client.IsConnected;

    /// <summary>Registers a self-signed device, connects and subscribes to twin, method and cloud-to-device topics.</summary>
    public static async Task<TestDevice> ConnectAsync(SimulatorFixture hub, string deviceId, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var certificate = CertificateFactory.CreateSelfSignedDevice(deviceId, new CertificateSpec(TimeSpan.FromDays(1), KeyType.EcdsaP256));
        hub.Registry.AddDevice(deviceId, DeviceAuthentication.SelfSigned, certificate.GetCertHashString(HashAlgorithmName.SHA1));
        return await ConnectAsync(hub, deviceId, certificate, modelId);
    }

    /// <summary>Connects an already registered device with its certificate (the device owns it from now on).</summary>
    public static async Task<TestDevice> ConnectAsync(SimulatorFixture hub, string deviceId, X509Certificate2 certificate, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new TestDevice(deviceId, client, certificate);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("localhost", hub.MqttPort)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(deviceId)
            .WithCredentials(MqttConnectionIdentity.Username("localhost", deviceId, "tests", modelId))
            .WithCleanSession(false)
            .WithTlsOptions(tls => tls
                .UseTls()
                .WithTargetHost("localhost")
                .WithClientCertificates([certificate])
                .WithTrustChain([X509CertificateLoader.LoadCertificate(hub.Pki.ServerCa.RawData)]))
            .Build();
        device.options = options;
        await client.ConnectAsync(options);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(MqttTopics.TwinResponseFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(MqttTopics.TwinDesiredPatchFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(MqttTopics.MethodRequestFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(MqttTopics.CloudToDeviceFilter(deviceId), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        return device;
    }

    /// <summary>Closes the connection cleanly; the session (CleanSession false) and its subscriptions stay on the hub.</summary>
    public Task DisconnectAsync() => client.DisconnectAsync();

    /// <summary>Connects again with the same session (no new subscriptions: the session kept them).</summary>
    public Task ReconnectAsync() => client.ConnectAsync(options!);

    /// <summary>Every message up to and including the next one on a topic starting with <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<(string Topic, string Payload)>> UntilAsync(string prefix, TimeSpan timeout)
    {
        var seen = new List<(string Topic, string Payload)>();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            do
            {
                seen.Add(await received.Reader.ReadAsync(deadline.Token));
            }
            while (!seen[^1].Topic.StartsWith(prefix, StringComparison.Ordinal));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Device '{DeviceId}' received nothing on {prefix}... within {timeout}; before: {string.Join(", ", seen.Select(m => m.Topic))}.");
        }

        return seen;
    }

    /// <summary>Publishes at QoS 1.</summary>
    public Task PublishAsync(string topic, string payload) => client.PublishAsync(new MqttApplicationMessageBuilder()
        .WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>Waits for the next message on a topic starting with <paramref name="prefix"/>.</summary>
    public async Task<(string Topic, string Payload)> NextAsync(string prefix, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var message = await received.Reader.ReadAsync(deadline.Token);
                if (message.Topic.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Device '{DeviceId}' received nothing on {prefix}... within {timeout}.");
        }
    }

    /// <summary>What arrived and was not taken yet.</summary>
    public IReadOnlyList<(string Topic, string Payload)> Drain()
    {
        var list = new List<(string, string)>();
        while (received.Reader.TryRead(out var message))
        {
            list.Add(message);
        }

        return list;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        client.Dispose();
        certificate.Dispose();
    }
}
