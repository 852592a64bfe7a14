using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HubSimulator.Cloud;
using HubSimulator.Messages;
using IotHub.Protocol;
using MQTTnet.Protocol;

namespace HubSimulator.Broker;

/// <summary>
/// What the hub does with a device's publish: telemetry on its own topic is decoded and stored; twin GET and
/// reported patches are answered; method responses complete their call. Anything else, a QoS 2 publish, or a message
/// over 256 KiB closes the connection, as IoT Hub closes it. Returns the reason for closing, or null.
/// </summary>
public sealed class PublishHandler(MessageStore telemetry, TwinStore twins, MethodCalls methods, MqttHubSender link, TimeProvider clock)
{
    const string TwinGetPrefix = MqttTopics.TwinGetPrefix + "?";
    const string TwinReportedPrefix = MqttTopics.TwinReportedPatchPrefix + "?";

    /// <summary>Handles a publish; returns why the connection must close, or null when it was accepted.</summary>
    public async Task<string?> HandleAsync(string deviceId, string topic, MqttQualityOfServiceLevel qos, ReadOnlyMemory<byte> payload, Action<ReceivedMessage> onTelemetry)
    {
        ArgumentNullException.ThrowIfNull(onTelemetry);
        if (qos == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            return $"QoS 2 publish on '{topic}' (IoT Hub supports QoS 0 and 1 only)";
        }

        if (payload.Length > MqttConnectionIdentity.MaxMessageBytes)
        {
            return $"message of {payload.Length} bytes on '{topic}' exceeds IoT Hub's limit of {MqttConnectionIdentity.MaxMessageBytes} bytes";
        }

        if (topic.StartsWith(MqttTopics.DeviceTelemetryPrefix(deviceId), StringComparison.Ordinal))
        {
            var message = ReceivedMessage.Decode(deviceId, topic, payload.Span, clock.GetUtcNow());
            telemetry.Add(message);
            onTelemetry(message);
            return null;
        }

        if (topic.StartsWith(TwinGetPrefix, StringComparison.Ordinal))
        {
            var rid = MethodCalls.RequestId(topic[TwinGetPrefix.Length..]) ?? "";
            await link.SendAsync(deviceId, MqttTopics.TwinResponse(200, rid), Encoding.UTF8.GetBytes(twins.Get(deviceId).ToJsonString()));
            return null;
        }

        if (topic.StartsWith(TwinReportedPrefix, StringComparison.Ordinal))
        {
            await PatchReportedAsync(deviceId, MethodCalls.RequestId(topic[TwinReportedPrefix.Length..]) ?? "", payload);
            return null;
        }

        if (methods.TryComplete(deviceId, topic, payload.Span))
        {
            return null;
        }

        return $"publish on '{topic}', outside the device's own topics ({MqttTopics.DeviceTelemetryPrefix(deviceId)}..., $iothub/twin/..., $iothub/methods/res/...)";
    }

    async Task PatchReportedAsync(string deviceId, string rid, ReadOnlyMemory<byte> payload)
    {
        if (TwinRules.ParsePatch(payload.Span) is not { } patch)
        {
            await AnswerAsync(deviceId, 400, rid, "The reported patch must be a JSON object.");
            return;
        }

        var result = twins.PatchReported(deviceId, patch);
        if (!result.Applied)
        {
            await AnswerAsync(deviceId, 400, rid, result.Problem!);
            return;
        }

        await link.SendAsync(deviceId, $"{MqttTopics.TwinResponse(204, rid)}&{MqttTopicQuery.Version}={result.Version}", ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>A refusal on the twin response topic, in the hub's error body shape <c>{"errorCode":400004,"message":"..."}</c>.</summary>
    Task AnswerAsync(string deviceId, int status, string rid, string message) =>
        link.SendAsync(deviceId, MqttTopics.TwinResponse(status, rid), TwinRules.RefusalBody(message));

    /// <summary>True when a device may subscribe to <paramref name="filter"/>: only the hub's device topics.</summary>
    public static bool MaySubscribe(string deviceId, string filter) =>
        filter == MqttTopics.CloudToDeviceFilter(deviceId)
        || filter == MqttTopics.TwinResponseFilter
        || filter == MqttTopics.TwinDesiredPatchFilter
        || filter == MqttTopics.MethodRequestFilter;
}
