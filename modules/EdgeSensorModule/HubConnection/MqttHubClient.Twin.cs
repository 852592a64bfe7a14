using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using IotHub.Protocol;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeSensorModule.HubConnection;

/// <summary>Twin requests over MQTT: publish with a fresh <c>$rid</c>, wait for the answer on <c>$iothub/twin/res/{status}/?$rid=</c>.</summary>
public sealed partial class MqttHubClient : ICloudChannel
{
    readonly ConcurrentDictionary<string, TaskCompletionSource<(int Status, string Body)>> twinRequests = new(StringComparer.Ordinal);
    long lastRequestId;

    /// <inheritdoc />
    public async Task<string> GetTwinAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await RequestAsync(MqttTopics.TwinGet, "", "twin GET", cancellationToken);
        return status == 200 ? body : throw Refused("twin GET", status, body);
    }

    /// <inheritdoc />
    public async Task PatchReportedAsync(string patchJson, CancellationToken cancellationToken)
    {
        var (status, body) = await RequestAsync(MqttTopics.TwinReportedPatch, patchJson, "reported-properties patch", cancellationToken);
        if (status is < 200 or > 299)
        {
            throw Refused("reported-properties patch", status, body);
        }
    }

    /// <summary>Completes the request an answer belongs to; answers to requests given up on are ignored.</summary>
    void TwinAnswered(string topic, ReadOnlySequence<byte> payload)
    {
        if (MqttTopicQuery.TryParseTwinResponse(topic, out var status, out var requestId) && twinRequests.TryGetValue(requestId, out var waiting))
        {
            waiting.TrySetResult((status, Encoding.UTF8.GetString(payload)));
        }
    }

    /// <summary>A closed connection answers no request: those waiting end now instead of at their timeout.</summary>
    Task EndRequestsAsync(MqttClientDisconnectedEventArgs args)
    {
        foreach (var waiting in twinRequests.Values)
        {
            waiting.TrySetException(new HubException(HubErrorCode.ConnectionLost, $"The connection to {endpoint} closed while waiting for a twin answer ({args.Reason})."));
        }

        return Task.CompletedTask;
    }

    async Task<(int Status, string Body)> RequestAsync(Func<string, string> topic, string body, string what, CancellationToken cancellationToken)
    {
        if (!client.IsConnected)
        {
            throw new HubException(HubErrorCode.ConnectionLost, $"Not connected to {endpoint}: no {what}.");
        }

        var requestId = Interlocked.Increment(ref lastRequestId).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<(int, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        twinRequests[requestId] = answer;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(device.OperationTimeout);
        try
        {
            // QoS 0: the answer is the acknowledgement, and a request without one is sent again.
            var request = new MqttApplicationMessage
            {
                Topic = topic(requestId),
                Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce,
            };
            await client.PublishAsync(request, timeout.Token);
            return await answer.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HubException(HubErrorCode.Timeout, $"No answer to the {what} from {endpoint} within Device__OperationTimeout ({device.OperationTimeout}).", ex);
        }
        catch (Exception ex) when (ex is MqttClientNotConnectedException or MqttCommunicationException or IOException or ObjectDisposedException)
        {
            throw new HubException(HubErrorCode.ConnectionLost, $"The connection to {endpoint} was lost during the {what}: {ex.Message}", ex);
        }
        finally
        {
            twinRequests.TryRemove(requestId, out _);
        }
    }

    /// <summary>IoT Hub's twin statuses: 429 and 5xx are worth retrying, anything else is a refusal.</summary>
    HubException Refused(string what, int status, string body) => new(
        status is 429 or >= 500 ? HubErrorCode.ServerUnavailable : HubErrorCode.MessageRejected,
        $"{endpoint} answered the {what} with status {status}: {Shorten(body)}");

    static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
