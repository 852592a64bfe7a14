using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using IotHub.Protocol;

namespace HubSimulator.Cloud;

/// <summary>How a direct method call ended.</summary>
public enum MethodOutcome
{
    /// <summary>The device answered (with its own status).</summary>
    Answered,

    /// <summary>The device is not connected (IoT Hub: 404).</summary>
    DeviceOffline,

    /// <summary>The device did not answer in time (IoT Hub: 504).</summary>
    TimedOut,
}

/// <summary>A direct method's end: the device's answer, or why there is none.</summary>
/// <param name="Outcome">How the call ended.</param>
/// <param name="Status">The status the device replied with; 404 or 504 when it did not.</param>
/// <param name="Payload">Its JSON payload, or the one-line reason when it did not answer.</param>
public sealed record MethodResult(MethodOutcome Outcome, int Status, string Payload);

/// <summary>
/// Direct methods over any transport: the call goes to the device's current connection (<see cref="IDeviceSession"/>)
/// with a request id, the device answers with the same id (MQTT: <c>$iothub/methods/res/{status}/?$rid={rid}</c>; AMQP:
/// the correlation-id). A device that is not connected, or connected without taking methods (not subscribed, no
/// methods links), answers 404 at once, as IoT Hub does (DeviceNotOnline); one that does not answer in time, 504.
/// </summary>
public sealed class MethodCalls(DeviceLink link)
{
    readonly ConcurrentDictionary<(string Device, Guid RequestId), TaskCompletionSource<MethodResult>> pending = new();

    /// <summary>Invokes a method and waits for the device's answer.</summary>
    public async Task<MethodResult> InvokeAsync(string deviceId, string method, string payloadJson, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (link.Find(deviceId) is not { } session)
        {
            return new MethodResult(MethodOutcome.DeviceOffline, 404, $"Device '{deviceId}' is not online; method '{method}' was not sent.");
        }

        if (!session.ReceivesMethods)
        {
            return new MethodResult(MethodOutcome.DeviceOffline, 404,
                $"Device '{deviceId}' is connected over {session.Transport} but not online for direct methods (it has not subscribed to them); method '{method}' was not sent.");
        }

        var requestId = Guid.NewGuid();
        var answer = new TaskCompletionSource<MethodResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[(deviceId, requestId)] = answer;
        try
        {
            using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            sending.CancelAfter(timeout);
            await session.SendMethodRequestAsync(method, requestId, Encoding.UTF8.GetBytes(payloadJson), sending.Token);
            return await answer.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new MethodResult(MethodOutcome.TimedOut, 504, $"Device '{deviceId}' did not answer method '{method}' within {timeout.TotalSeconds} s.");
        }
        finally
        {
            pending.TryRemove((deviceId, requestId), out _);
        }
    }

    /// <summary>Completes a call with the device's answer; false when no call of the device waits for that id.</summary>
    public bool Complete(string deviceId, Guid requestId, int status, string payload)
    {
        if (!pending.TryGetValue((deviceId, requestId), out var call))
        {
            return false;
        }

        return call.TrySetResult(new MethodResult(MethodOutcome.Answered, status, payload));
    }

    /// <summary>Completes a call from a device's MQTT response publish; false when the topic is not a method response.</summary>
    public bool TryComplete(string deviceId, string topic, ReadOnlySpan<byte> payload)
    {
        if (!topic.StartsWith(MqttTopics.MethodResponsePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic[MqttTopics.MethodResponsePrefix.Length..];
        var slash = rest.IndexOf("/?", StringComparison.Ordinal);
        if (slash < 0 || !int.TryParse(rest[..slash], CultureInfo.InvariantCulture, out var status))
        {
            return false;
        }

        if (Guid.TryParse(RequestId(rest[(slash + 2)..]), out var requestId))
        {
            Complete(deviceId, requestId, status, Encoding.UTF8.GetString(payload));
        }

        return true;
    }

    /// <summary>The <c>$rid</c> of a topic's query string.</summary>
    public static string? RequestId(string query) =>
        PropertyBag.Decode(query).Where(p => p.Key == "$rid").Select(p => p.Value).FirstOrDefault();
}
