using System.Text;
using IotHub.Amqp;
using IotHub.Protocol;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// The device's side of the twin, methods and cloud-to-device messages over AMQP, as the SDKs write and read them
/// (SDK v1 AmqpIotSendingLink, AmqpIotReceivingLink, AmqpIotMessageConverter; names in <see cref="AmqpCloudLinks"/>):
/// twin requests carry a correlation id and the <c>operation</c>/<c>resource</c> annotations; answers come back with
/// the same correlation id and an int <c>status</c>; a desired push has no correlation id. Pure functions, no links.
/// </summary>
internal static class AmqpCloudMessages
{
    /// <summary>A twin request: <paramref name="operation"/> on <paramref name="resource"/> (none for GET), the body as one data section.</summary>
    public static AmqpMessage TwinRequest(string operation, string? resource, string correlationId, string? body)
    {
        var message = body is null ? AmqpMessage.Create() : AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(Encoding.UTF8.GetBytes(body)) });
        message.Properties.CorrelationId = correlationId;
        message.MessageAnnotations.Map[AmqpCloudLinks.OperationAnnotation] = operation;
        if (resource is not null)
        {
            message.MessageAnnotations.Map[AmqpCloudLinks.ResourceAnnotation] = resource;
        }

        return message;
    }

    /// <summary>A correlation id for a twin request: the operation and a fresh guid, as the C# SDK writes them (<c>GET6f0c...</c>).</summary>
    public static string NewCorrelationId(string operation) => $"{operation}{Guid.NewGuid():N}";

    /// <summary>What arrived on the twin receiver link: an answer (with its correlation id) or, without one, a desired push.</summary>
    public static TwinAnswer ReadTwin(AmqpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var correlationId = message.Sections.HasFlag(SectionFlag.Properties) ? message.Properties.CorrelationId?.ToString() : null;
        int? status = null;
        long? version = null;
        if (message.Sections.HasFlag(SectionFlag.MessageAnnotations))
        {
            var map = message.MessageAnnotations.Map;
            status = map[AmqpCloudLinks.StatusAnnotation] switch
            {
                int i => i,
                long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
                short s => s,
                _ => null,
            };
            version = map[AmqpCloudLinks.VersionAnnotation] switch
            {
                long l => l,
                int i => i,
                ulong u when u <= long.MaxValue => (long)u,
                _ => null,
            };
        }

        return new TwinAnswer(string.IsNullOrEmpty(correlationId) ? null : correlationId, status, version, Encoding.UTF8.GetString(AmqpMessageBody.Read(message)));
    }

    /// <summary>A direct-method call: its correlation id as sent (a uuid from IoT Hub), the method's name, the payload.</summary>
    public static MethodCall ReadMethodCall(AmqpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var correlationId = message.Sections.HasFlag(SectionFlag.Properties) ? message.Properties.CorrelationId : null;
        var name = message.Sections.HasFlag(SectionFlag.ApplicationProperties)
            && message.ApplicationProperties.Map[AmqpCloudLinks.MethodNameProperty] is string text && text.Length > 0 ? text : null;
        return new MethodCall(correlationId, name, AmqpMessageBody.Read(message));
    }

    /// <summary>The answer to a method call: the call's correlation id unchanged, <c>IoThub-status</c> as an int, the JSON as one data section.</summary>
    public static AmqpMessage MethodResponse(MessageId correlationId, MethodAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var message = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(Encoding.UTF8.GetBytes(answer.Json)) });
        message.Properties.CorrelationId = correlationId;
        message.ApplicationProperties.Map[AmqpCloudLinks.MethodStatusProperty] = answer.Status;
        return message;
    }

    /// <summary>
    /// A cloud-to-device message as the log shows it: its message id, body size, and the other properties under their
    /// MQTT names (<c>$.to</c>, <c>$.exp</c>, ...) and the application properties, so both transports log the same.
    /// </summary>
    public static CloudToDeviceSummary Summarize(AmqpMessage message)
    {
        var (system, application, body) = AmqpTelemetry.FromAmqp(message);
        var messageId = system.TryGetValue(SystemProperties.MessageId, out var id) ? id : "(none)";
        var properties = system.Where(p => p.Key != SystemProperties.MessageId).Concat(application).Select(p => $"{p.Key}={p.Value}");
        return new CloudToDeviceSummary(messageId, body.Length, string.Join(", ", properties));
    }
}

/// <summary>A message on the twin receiver link.</summary>
/// <param name="CorrelationId">The request it answers; null for a desired push.</param>
/// <param name="Status">The <c>status</c> annotation; null when absent or not an integer.</param>
/// <param name="Version">The <c>version</c> annotation (the twin's new version), if any.</param>
/// <param name="Body">The body as text (the twin, the patch, or an error).</param>
internal readonly record struct TwinAnswer(string? CorrelationId, int? Status, long? Version, string Body);

/// <summary>A direct-method call received on the methods link.</summary>
/// <param name="CorrelationId">The id the answer must carry; null when the hub sent none (nothing can be answered).</param>
/// <param name="Name">The method's name (<c>IoThub-methodname</c>); null when missing.</param>
/// <param name="Payload">The payload bytes.</param>
internal readonly record struct MethodCall(MessageId? CorrelationId, string? Name, byte[] Payload);

/// <summary>What the log says of a cloud-to-device message.</summary>
internal readonly record struct CloudToDeviceSummary(string MessageId, int Bytes, string Properties);
