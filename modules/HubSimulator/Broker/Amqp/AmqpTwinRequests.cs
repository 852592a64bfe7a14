using System.Text;
using HubSimulator.Cloud;
using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using static IotHub.Amqp.AmqpCloudLinks;

namespace HubSimulator.Broker.Amqp;

/// <summary>
/// A device's twin requests on its twin sender link, answered as IoT Hub answers them (the MQTT endpoint's rules,
/// <see cref="TwinStore"/> and <see cref="TwinRules"/>): GET 200 with <c>{"desired":...,"reported":...}</c>; PATCH of
/// <c>/properties/reported</c> 204 with the new <c>version</c> (AMQP long), or 400 with the hub's error body; PUT and
/// DELETE of <c>/notifications/twin/properties/desired</c> 200, subscribing and unsubscribing desired pushes. The answer
/// carries the request's correlation-id and the <c>status</c> annotation (AMQP int).
/// </summary>
public sealed class AmqpTwinRequests(TwinStore twins)
{
    /// <summary>Answers one request; <paramref name="subscribe"/> is called with true or false for PUT and DELETE.</summary>
    public AmqpMessage Answer(string deviceId, AmqpMessage request, Action<bool> subscribe)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(subscribe);
        var operation = Annotation(request, OperationAnnotation);
        var resource = Annotation(request, ResourceAnnotation);
        var (status, version, body) = (operation, resource) switch
        {
            (TwinOperations.Get, _) => (200, (long?)null, Encoding.UTF8.GetBytes(twins.Get(deviceId).ToJsonString())),
            (TwinOperations.Patch, ReportedResource) => PatchReported(deviceId, AmqpMessageBody.Read(request)),
            (TwinOperations.Put, DesiredNotificationsResource) => Subscribe(subscribe, true),
            (TwinOperations.Delete, DesiredNotificationsResource) => Subscribe(subscribe, false),
            _ => (400, null, TwinRules.RefusalBody(
                $"Twin operation '{operation}' on resource '{resource}' is not one IoT Hub serves (GET; PATCH {ReportedResource}; PUT or DELETE {DesiredNotificationsResource}).")),
        };
        var answer = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(body) });
        answer.Properties.CorrelationId = request.Properties?.CorrelationId;
        answer.MessageAnnotations.Map[StatusAnnotation] = status;
        if (version is { } newVersion)
        {
            answer.MessageAnnotations.Map[VersionAnnotation] = newVersion;
        }

        return answer;
    }

    /// <summary>A desired patch pushed to a subscribed device: no correlation-id, the patch with its <c>$version</c> as body.</summary>
    public static AmqpMessage DesiredPush(byte[] patchJson) => AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(patchJson) });

    (int Status, long? Version, byte[] Body) PatchReported(string deviceId, byte[] payload)
    {
        if (TwinRules.ParsePatch(payload) is not { } patch)
        {
            return (400, null, TwinRules.RefusalBody("The reported patch must be a JSON object."));
        }

        var result = twins.PatchReported(deviceId, patch);
        return result.Applied ? (204, result.Version, []) : (400, null, TwinRules.RefusalBody(result.Problem!));
    }

    static (int Status, long? Version, byte[] Body) Subscribe(Action<bool> subscribe, bool on)
    {
        subscribe(on);
        return (200, null, []);
    }

    static string? Annotation(AmqpMessage message, Microsoft.Azure.Amqp.Encoding.AmqpSymbol name) =>
        message.Sections.HasFlag(SectionFlag.MessageAnnotations) && message.MessageAnnotations.Map.TryGetValue(name, out object? value) ? value?.ToString() : null;

}
