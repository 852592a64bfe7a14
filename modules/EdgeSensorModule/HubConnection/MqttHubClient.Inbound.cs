using System.Buffers;
using System.Text;
using IotHub.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// What the hub sends the device: twin answers and desired patches, direct-method calls, cloud-to-device messages.
/// Subscribed after each CONNACK in the background, so the first telemetry publish never waits for a SUBACK.
/// </summary>
public sealed partial class MqttHubClient
{
    /// <summary>Longest cloud-to-device property text written to the log.</summary>
    const int MaxLoggedProperties = 512;

    ICloudListener? cloudListener;
    int connection;

    /// <inheritdoc />
    public void Listen(ICloudListener listener) => cloudListener = listener;

    partial void AttachInbound()
    {
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += EndRequestsAsync;
    }

    partial void StartSubscribing()
    {
        var number = Interlocked.Increment(ref connection);
        _ = SubscribeAsync(number);
    }

    async Task SubscribeAsync(int number)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(MqttTopics.TwinResponseFilter, MqttQualityOfServiceLevel.AtMostOnce)
            .WithTopicFilter(MqttTopics.TwinDesiredPatchFilter, MqttQualityOfServiceLevel.AtMostOnce)
            .WithTopicFilter(MqttTopics.MethodRequestFilter, MqttQualityOfServiceLevel.AtMostOnce)
            .WithTopicFilter(MqttTopics.CloudToDeviceFilter(device.Id), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(device.OperationTimeout);
            var result = await client.SubscribeAsync(subscribe, timeout.Token);
            var refused = result.Items.Where(i => (int)i.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2).Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})").ToList();
            if (refused.Count > 0)
            {
                LogSubscribeRefused(logger, endpoint, string.Join(", ", refused));
            }
        }
        catch (OperationCanceledException)
        {
            LogSubscribeFailed(logger, endpoint, $"no SUBACK within Device__OperationTimeout ({device.OperationTimeout})");
            return;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or MqttClientNotConnectedException or IOException or ObjectDisposedException)
        {
            // The connection ended under the SUBSCRIBE: its own close line says why, once; the next connect subscribes again.
            return;
        }

        if (number == Volatile.Read(ref connection) && client.IsConnected)
        {
            cloudListener?.Connected();
        }
    }

    Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        var topic = message.Topic;
        if (topic.StartsWith(MqttTopics.TwinResponsePrefix, StringComparison.Ordinal))
        {
            TwinAnswered(topic, message.Payload);
        }
        else if (topic.StartsWith(MqttTopics.TwinDesiredPatchPrefix, StringComparison.Ordinal))
        {
            cloudListener?.DesiredPatch(Encoding.UTF8.GetString(message.Payload));
        }
        else if (MqttTopicQuery.TryParseMethodRequest(topic, out var method, out var requestId))
        {
            // Answered off the receive path: a slow method never holds up the connection's other traffic.
            _ = AnswerMethodAsync(method, requestId, message.Payload.ToArray());
        }
        else if (topic.StartsWith(MqttTopics.CloudToDevicePrefix(device.Id), StringComparison.Ordinal))
        {
            CloudToDevice(topic[MqttTopics.CloudToDevicePrefix(device.Id).Length..], message.Payload.Length);
        }
        else
        {
            LogUnexpectedTopic(logger, topic.Length <= MaxLoggedProperties ? topic : topic[..MaxLoggedProperties]);
        }

        return Task.CompletedTask; // MQTTnet acknowledges (PUBACK) when this returns
    }

    async Task AnswerMethodAsync(string method, string requestId, byte[] payload)
    {
        MethodAnswer answer;
        try
        {
            answer = cloudListener is null
                ? new MethodAnswer(501, """{"error":"this device handles no direct methods"}""")
                : await cloudListener.InvokeAsync(method, payload, CancellationToken.None);
        }
#pragma warning disable CA1031 // A failing handler answers 500 instead of leaving the caller to time out.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogMethodFailed(logger, method, ex);
            answer = new MethodAnswer(500, """{"error":"the method failed on the device; see its log"}""");
        }

        try
        {
            await client.PublishAsync(new MqttApplicationMessage
            {
                Topic = MqttTopics.MethodResponse(answer.Status, requestId),
                Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(answer.Json)),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce,
            });
        }
        catch (Exception ex) when (ex is MqttCommunicationException or MqttClientNotConnectedException or IOException or ObjectDisposedException)
        {
            LogMethodAnswerLost(logger, method, answer.Status, ex.Message);
        }
    }

    /// <summary>Logs a cloud-to-device message by its id and properties; the body is never decoded, so any body is safe.</summary>
    void CloudToDevice(string propertyBag, long bytes)
    {
        IReadOnlyList<KeyValuePair<string, string>> properties;
        try
        {
            properties = PropertyBag.Decode(propertyBag.TrimEnd('/'));
        }
        catch (UriFormatException)
        {
            properties = [];
        }

        var messageId = properties.Where(p => p.Key == SystemProperties.MessageId).Select(p => p.Value).FirstOrDefault() ?? "(none)";
        var text = string.Join(", ", properties.Where(p => p.Key != SystemProperties.MessageId).Select(p => $"{p.Key}={p.Value}"));
        LogCloudToDevice(logger, messageId, bytes, text.Length <= MaxLoggedProperties ? text : text[..MaxLoggedProperties] + "...");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cloud-to-device message {MessageId} ({Bytes} bytes) received and completed; properties: {Properties}")]
    private static partial void LogCloudToDevice(ILogger logger, string messageId, long bytes, string properties);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint} did not take the twin, method and cloud-to-device subscriptions ({Detail}); telemetry goes on, they are tried again on the next connect")]
    private static partial void LogSubscribeFailed(ILogger logger, string endpoint, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint} refused the subscriptions {Refused}; telemetry goes on")]
    private static partial void LogSubscribeRefused(ILogger logger, string endpoint, string refused);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a message on an unexpected topic {Topic}")]
    private static partial void LogUnexpectedTopic(ILogger logger, string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Direct method {Method} failed; answered 500")]
    private static partial void LogMethodFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer {Status} to direct method {Method} was not sent: {Detail}")]
    private static partial void LogMethodAnswerLost(ILogger logger, string method, int status, string detail);
}
