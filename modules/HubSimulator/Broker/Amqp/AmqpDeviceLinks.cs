using System.Globalization;
using System.Text;
using HubSimulator.Cloud;
using HubSimulator.Messages;
using IotHub.Amqp;
using IotHub.Protocol;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Extensions.Logging;
using static IotHub.Amqp.AmqpCloudLinks;

namespace HubSimulator.Broker.Amqp;

/// <summary>Which of a device's links an AMQP attach opens, from the hub's side.</summary>
public enum AmqpDeviceLinkKind
{
    /// <summary><c>/devices/{id}/messages/events</c>, the hub receives telemetry.</summary>
    Telemetry,

    /// <summary><c>/devices/{id}/twin</c>, the hub receives requests.</summary>
    TwinRequests,

    /// <summary><c>/devices/{id}/twin</c>, the hub sends answers and desired pushes.</summary>
    TwinAnswers,

    /// <summary><c>/devices/{id}/methods/devicebound</c>, the hub receives the device's answers.</summary>
    MethodAnswers,

    /// <summary><c>/devices/{id}/methods/devicebound</c>, the hub sends calls.</summary>
    MethodCalls,

    /// <summary><c>/devices/{id}/messages/devicebound</c>, the hub sends cloud-to-device messages.</summary>
    CloudToDevice,
}

/// <summary>
/// What the hub does on each link a device attaches, with the MQTT endpoint's rules: telemetry stored and accepted
/// (over 256 KiB rejected); twin requests answered (<see cref="AmqpTwinRequests"/>); method answers completing their
/// call; the device's receiver links registered on its <see cref="AmqpDeviceSession"/> for the cloud services.
/// </summary>
public sealed partial class AmqpDeviceLinks(
    MessageStore telemetry,
    AmqpTwinRequests twinRequests,
    MethodCalls methods,
    CloudToDeviceMessages cloudToDevice,
    TimeProvider clock,
    ILogger<AmqpDeviceLinks> logger)
{
    /// <summary>The kind of link an address names for a hub end that receives (<paramref name="hubReceives"/>) or sends; null if none.</summary>
    public static AmqpDeviceLinkKind? KindOf(string? address, bool hubReceives, out string deviceId)
    {
        if (hubReceives && AmqpEndpoints.TryParseTelemetryAddress(address, out deviceId))
        {
            return AmqpDeviceLinkKind.Telemetry;
        }

        return (Parse(address, out deviceId), hubReceives) switch
        {
            (Kind.Twin, true) => AmqpDeviceLinkKind.TwinRequests,
            (Kind.Twin, false) => AmqpDeviceLinkKind.TwinAnswers,
            (Kind.Methods, true) => AmqpDeviceLinkKind.MethodAnswers,
            (Kind.Methods, false) => AmqpDeviceLinkKind.MethodCalls,
            (Kind.CloudToDevice, false) => AmqpDeviceLinkKind.CloudToDevice,
            _ => null,
        };
    }

    /// <summary>Wires an attached link of <paramref name="session"/>'s device.</summary>
    public void Attach(AmqpDeviceSession session, AmqpDeviceLinkKind kind, AmqpLink link, string address)
    {
        ArgumentNullException.ThrowIfNull(session);
        var deviceId = session.DeviceId;
        switch (kind)
        {
            case AmqpDeviceLinkKind.Telemetry:
                var events = (ReceivingAmqpLink)link;
                events.RegisterMessageListener(message => OnTelemetry(deviceId, address, events, message));
                break;
            case AmqpDeviceLinkKind.TwinRequests:
                var requests = (ReceivingAmqpLink)link;
                requests.RegisterMessageListener(message => OnTwinRequest(session, requests, message));
                break;
            case AmqpDeviceLinkKind.MethodAnswers:
                var answers = (ReceivingAmqpLink)link;
                answers.RegisterMessageListener(message => OnMethodAnswer(deviceId, answers, message));
                break;
            case AmqpDeviceLinkKind.TwinAnswers:
                var twin = (SendingAmqpLink)link;
                session.Twin = twin;
                twin.Closed += (_, _) => session.SubscribeDesired(false); // a new twin link subscribes again
                break;
            case AmqpDeviceLinkKind.MethodCalls:
                session.Methods = (SendingAmqpLink)link;
                break;
            case AmqpDeviceLinkKind.CloudToDevice:
                AttachCloudToDevice(session, (SendingAmqpLink)link);
                break;
        }

        LogLinkAttached(logger, deviceId, kind.ToString(), address);
    }

    void AttachCloudToDevice(AmqpDeviceSession session, SendingAmqpLink link)
    {
        var deviceId = session.DeviceId;
        var queue = new AmqpCloudToDeviceLink(deviceId, link, cloudToDevice);
        queue.Start();
        session.CloudToDevice = queue;
        // Messages taken by an earlier connection that never settled them are handed out again (at least once).
        cloudToDevice.SessionLost(deviceId);
        link.Opened += (_, _) => _ = cloudToDevice.DeliverAsync(deviceId);
        link.Closed += (_, _) =>
        {
            queue.AbandonInFlight();
            _ = cloudToDevice.DeliverAsync(deviceId);
        };
    }

    void OnTelemetry(string deviceId, string address, ReceivingAmqpLink link, AmqpMessage message)
    {
        using (message)
        {
            var (system, application, body) = AmqpTelemetry.FromAmqp(message);
            if (body.Length > MqttConnectionIdentity.MaxMessageBytes)
            {
                var reason = $"message of {body.Length} bytes exceeds IoT Hub's limit of {MqttConnectionIdentity.MaxMessageBytes} bytes";
                LogRejected(logger, deviceId, reason);
                link.DisposeMessage(message, new Rejected { Error = new Error { Condition = AmqpErrors.MessageSizeExceeded, Description = reason } }, settled: true, batchable: false);
                return;
            }

            var received = ReceivedMessage.Create(deviceId, address, system, application, body, clock.GetUtcNow());
            telemetry.Add(received);
            if (logger.IsEnabled(LogLevel.Information))
            {
                LogTelemetry(logger, received.ToDisplayLine()); // the line is built only when it is written
            }

            link.DisposeMessage(message, AmqpConstants.AcceptedOutcome, settled: true, batchable: false); // only once stored
        }
    }

    void OnTwinRequest(AmqpDeviceSession session, ReceivingAmqpLink link, AmqpMessage message)
    {
        using (message)
        {
            link.DisposeMessage(message, AmqpConstants.AcceptedOutcome, settled: true, batchable: false);
            var answer = twinRequests.Answer(session.DeviceId, message, session.SubscribeDesired);
            if (!session.TryAnswerTwin(answer))
            {
                answer.Dispose();
                LogTwinUnanswered(logger, session.DeviceId);
            }
        }
    }

    void OnMethodAnswer(string deviceId, ReceivingAmqpLink link, AmqpMessage message)
    {
        using (message)
        {
            link.DisposeMessage(message, AmqpConstants.AcceptedOutcome, settled: true, batchable: false);
            var requestId = RequestId(message.Properties?.CorrelationId);
            object? value = null;
            var status = message.ApplicationProperties is { } properties && properties.Map.TryGetValue(MethodStatusProperty, out value) ? StatusOf(value) : null;
            if (requestId is null || status is null)
            {
                LogBadMethodAnswer(logger, deviceId, $"{MethodStatusProperty} {value ?? "missing"}, correlation-id {message.Properties?.CorrelationId ?? (object)"missing"}");
                return;
            }

            if (!methods.Complete(deviceId, requestId.Value, status.Value, Encoding.UTF8.GetString(AmqpMessageBody.Read(message))))
            {
                LogLateMethodAnswer(logger, deviceId, requestId.Value);
            }
        }
    }

    /// <summary>The call a method answer's correlation-id names: an AMQP uuid (the SDKs echo the call's), or its text.</summary>
    static Guid? RequestId(MessageId? correlationId) => Guid.TryParse(correlationId?.ToString(), out var requestId) ? requestId : null;

    /// <summary>A method answer's status: an AMQP int as the C# SDK sends it, or any integral type (rhea picks the smallest that fits).</summary>
    static int? StatusOf(object? value) => value switch
    {
        sbyte or byte or short or ushort or int or uint or long or ulong => decimal.ToInt32(Math.Clamp(Convert.ToDecimal(value, CultureInfo.InvariantCulture), int.MinValue, int.MaxValue)),
        double number when number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue => (int)number,
        string text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var status) => status,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Device '{DeviceId}' attached its {Kind} link '{Address}'")]
    private static partial void LogLinkAttached(ILogger logger, string deviceId, string kind, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a message of device '{DeviceId}': {Reason}")]
    private static partial void LogRejected(ILogger logger, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a twin answer to device '{DeviceId}': it has no twin receiver link (attach /devices/{{id}}/twin as a receiver too)")]
    private static partial void LogTwinUnanswered(ILogger logger, string deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a method answer of device '{DeviceId}': {Problem} (expected the call's correlation-id and an int IoThub-status)")]
    private static partial void LogBadMethodAnswer(ILogger logger, string deviceId, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Method answer of device '{DeviceId}' for call {RequestId} came after the call ended (timed out)")]
    private static partial void LogLateMethodAnswer(ILogger logger, string deviceId, Guid requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogTelemetry(ILogger logger, string line);
}
