using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet;

/// <summary>N devices on MQTTnet clients, each with its own X.509 certificate, sending one reading a second at QoS 1.</summary>
sealed class DeviceFleet(int mqttPort, X509Certificate2 serverCa) : IAsyncDisposable
{
    readonly List<(string Id, IMqttClient Client)> connected = [];
    readonly Lock gate = new();
    long acknowledged;
    long failed;

    public int Connected => connected.Count;

    public List<string> Refused { get; } = [];

    public long Acknowledged => Interlocked.Read(ref acknowledged);

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>Connects every device, <paramref name="parallel"/> handshakes at a time.</summary>
    public Task ConnectAsync(IEnumerable<(string Id, X509Certificate2 Certificate)> devices, int parallel) =>
        Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (device, cancellationToken) =>
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", mqttPort)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId(device.Id)
                .WithCredentials(MqttConnectionIdentity.Username("localhost", device.Id, "fleet-bench"))
                .WithKeepAlivePeriod(TimeSpan.FromMinutes(5))
                .WithTimeout(TimeSpan.FromSeconds(60))
                .WithTlsOptions(tls => tls.UseTls().WithTargetHost("localhost").WithClientCertificates([device.Certificate]).WithTrustChain([serverCa]))
                .Build();
            try
            {
                var result = await client.ConnectAsync(options, cancellationToken);
                lock (gate)
                {
                    if (result.ResultCode == MqttClientConnectResultCode.Success)
                    {
                        connected.Add((device.Id, client));
                        return;
                    }

                    Refused.Add($"{device.Id}: {result.ResultCode}");
                }
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or TimeoutException)
            {
                lock (gate)
                {
                    Refused.Add($"{device.Id}: {ex.GetType().Name} {ex.Message}");
                }
            }

            client.Dispose();
        });

    /// <summary>Every connected device sends one reading a second (each at its own phase) until <paramref name="stop"/>.</summary>
    public Task SendAsync(CancellationToken stop) => Task.WhenAll(connected.Select((device, index) => SendLoopAsync(device.Id, device.Client, index, stop)));

    async Task SendLoopAsync(string deviceId, IMqttClient client, int index, CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(index * 1000.0 / Math.Max(1, connected.Count)), stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var random = new Random(index);
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var reading = new SensorTelemetry
            {
                DeviceId = deviceId,
                MessageId = n,
                Temperature = Math.Round(20 + random.NextDouble() * 15, 2),
                Humidity = Math.Round(40 + random.NextDouble() * 30, 2),
                Timestamp = DateTimeOffset.UtcNow,
            };
            var message = TelemetryContract.ToHubMessage(reading, reading.Temperature > 30, TelemetryContract.NewMessageId());
            try
            {
                var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic(MqttTelemetry.Topic(deviceId, message))
                    .WithPayload(message.Body.ToArray())
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(), CancellationToken.None);
                Interlocked.Increment(ref result.IsSuccess ? ref acknowledged : ref failed);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or TimeoutException)
            {
                Interlocked.Increment(ref failed);
            }

            try
            {
                await timer.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, client) in connected)
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }

            client.Dispose();
        }
    }
}
