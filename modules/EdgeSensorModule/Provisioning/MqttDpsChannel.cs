using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.HubConnection;
using IotHub.Certificates;
using IotHub.Protocol.Provisioning;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeSensorModule.Provisioning;

/// <summary>One answer from DPS.</summary>
/// <param name="Status">202 (assigning), 200 (done), 4xx/5xx (refused, failing).</param>
/// <param name="RetryAfter">The service's retry-after, when it sent one.</param>
/// <param name="Body">The JSON body.</param>
public sealed record DpsResponse(int Status, TimeSpan? RetryAfter, byte[] Body);

/// <summary>A request/answer conversation with DPS (MQTT in the module; a script in unit tests).</summary>
public interface IDpsChannel : IAsyncDisposable
{
    /// <summary>Publishes a request to <paramref name="topic"/> (its <c>$rid</c> is <paramref name="requestId"/>) and waits for the answer.</summary>
    Task<DpsResponse> RequestAsync(string topic, string requestId, byte[] payload, CancellationToken cancellationToken);
}

/// <summary>
/// DPS over MQTT 3.1.1/TLS with the device certificate (chain sent, <see cref="TlsConnector"/>): client id = registration
/// id, username <c>{idScope}/registrations/{id}/api-version=...</c>, clean session, subscribed to the answers.
/// </summary>
internal sealed class MqttDpsChannel(string host, int port, string idScope, ClientIdentity identity, X509Certificate2Collection? trust, TimeSpan timeout) : IDpsChannel
{
    readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    readonly ConcurrentDictionary<string, TaskCompletionSource<DpsResponse>> waiting = new(StringComparer.Ordinal);

    string Endpoint => $"{host}:{port}";

    /// <inheritdoc />
    public async Task<DpsResponse> RequestAsync(string topic, string requestId, byte[] payload, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var answer = new TaskCompletionSource<DpsResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting[requestId] = answer;
        try
        {
            await ConnectAsync(deadline.Token);
            await client.PublishAsync(new MqttApplicationMessage
            {
                Topic = topic,
                Payload = new ReadOnlySequence<byte>(payload),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            }, deadline.Token);
            return await answer.Task.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DpsException(DpsFailure.Unreachable, $"DPS at {Endpoint} did not answer within Device__ConnectTimeout ({timeout}).", innerException: ex);
        }
        catch (Exception ex) when (Find<HubException>(ex) is { } hub)
        {
            var failure = hub.ErrorCode is HubErrorCode.ClientCertificateRejected or HubErrorCode.ServerCertificateUntrusted ? DpsFailure.Unauthorized : DpsFailure.Unreachable;
            throw new DpsException(failure, $"DPS: {hub.Message}", innerException: ex);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or IOException or MqttClientNotConnectedException)
        {
            throw new DpsException(DpsFailure.Unreachable, $"The connection to DPS at {Endpoint} broke: {ex.Message}", innerException: ex);
        }
        finally
        {
            waiting.TryRemove(requestId, out _);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions());
            }
            catch (Exception ex) when (ex is MqttCommunicationException or IOException or OperationCanceledException)
            {
                // closing anyway
            }
        }

        client.Dispose();
    }

    async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (client.IsConnected)
        {
            return;
        }

        client.ApplicationMessageReceivedAsync -= OnAnswerAsync;
        client.ApplicationMessageReceivedAsync += OnAnswerAsync;
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithStreamProvider(new TlsConnector(host, identity, trust, "Provisioning__TrustBundlePath"))
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(identity.CommonName)
            .WithCredentials(DpsTopics.Username(idScope, identity.CommonName, MqttHubClient.ProductInfo))
            .WithCleanSession(true)
            .WithTimeout(timeout)
            .Build();
        var result = await client.ConnectAsync(options, cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new DpsException(DpsFailure.Unauthorized,
                $"DPS at {Endpoint} refused the connection of '{identity.CommonName}' (CONNACK {result.ResultCode}): check Provisioning__IdScope and that the certificate's CN is its registration id.");
        }

        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(DpsTopics.ResponseFilter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
    }

    Task OnAnswerAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (DpsTopics.TryParseResponse(message.Topic, out var status, out var parameters)
            && parameters.TryGetValue(DpsTopics.RequestIdParameter, out var requestId)
            && waiting.TryGetValue(requestId, out var answer))
        {
            answer.TrySetResult(new DpsResponse(status, DpsTopics.RetryAfter(parameters), message.Payload.ToArray()));
        }

        return Task.CompletedTask;
    }

    static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }
}
