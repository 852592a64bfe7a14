using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using IotHub.Certificates;
using IotHub.Protocol;
using MQTTnet;
using MQTTnet.Formatter;

namespace TestInfrastructure;

/// <summary>A telemetry message as a subscriber received it, decoded with the shared protocol code.</summary>
/// <param name="Topic">The MQTT topic, property bag included.</param>
/// <param name="DeviceId">The device segment of the topic.</param>
/// <param name="SystemProperties">Decoded <c>$.</c> properties.</param>
/// <param name="ApplicationProperties">Decoded application properties.</param>
/// <param name="Body">The payload.</param>
public sealed record ReceivedTelemetry(
    string Topic,
    string DeviceId,
    IReadOnlyDictionary<string, string> SystemProperties,
    IReadOnlyList<KeyValuePair<string, string>> ApplicationProperties,
    byte[] Body);

/// <summary>Subscribes to every device's telemetry on a broker, as the "monitor" identity, and collects it.</summary>
public sealed class TelemetryMonitor : IAsyncDisposable
{
    readonly IMqttClient client;
    readonly Channel<ReceivedTelemetry> received = Channel.CreateUnbounded<ReceivedTelemetry>();
    readonly X509Certificate2 certificate;

    TelemetryMonitor(IMqttClient client, X509Certificate2 certificate)
    {
        this.client = client;
        this.certificate = certificate;
    }

    /// <summary>Connects and subscribes to <c>devices/+/messages/events/#</c>.</summary>
    public static async Task<TelemetryMonitor> StartAsync(TestPki pki, int port)
    {
        ArgumentNullException.ThrowIfNull(pki);
        var certificate = CertificateFactory.CreateDevice(pki.RootCa, MosquittoBroker.MonitorIdentity, new CertificateSpec(TimeSpan.FromDays(1), pki.KeyType));
        var client = new MqttClientFactory().CreateMqttClient();
        var monitor = new TelemetryMonitor(client, certificate);
        client.ApplicationMessageReceivedAsync += e => monitor.OnMessage(e.ApplicationMessage);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("localhost", port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId($"monitor-{Guid.NewGuid():N}")
            .WithTlsOptions(tls => tls
                .UseTls()
                .WithTargetHost("localhost")
                .WithClientCertificates([certificate])
                .WithTrustChain([X509CertificateLoader.LoadCertificate(pki.ServerCa.RawData)]))
            .Build();
        await client.ConnectAsync(options);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("devices/+/messages/events/#", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        return monitor;
    }

    Task OnMessage(MqttApplicationMessage message)
    {
        var topic = message.Topic;
        var segments = topic.Split('/', 5);
        var bag = segments.Length == 5 ? segments[4] : "";
        var (system, application) = MqttTelemetry.SplitProperties(bag);
        received.Writer.TryWrite(new ReceivedTelemetry(topic, segments[1], system, application, message.Payload.ToArray()));
        return Task.CompletedTask;
    }

    /// <summary>Waits for <paramref name="count"/> messages in all; fails with what arrived when they don't come in time.</summary>
    public async Task<IReadOnlyList<ReceivedTelemetry>> WaitForAsync(int count, TimeSpan timeout)
    {
        var result = new List<ReceivedTelemetry>(count);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (result.Count < count)
            {
                result.Add(await received.Reader.ReadAsync(deadline.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Received {result.Count} of {count} messages within {timeout}.");
        }

        return result;
    }

    /// <summary>Whatever arrived so far and was not yet taken.</summary>
    public IReadOnlyList<ReceivedTelemetry> Drain()
    {
        var result = new List<ReceivedTelemetry>();
        while (received.Reader.TryRead(out var message))
        {
            result.Add(message);
        }

        return result;
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
