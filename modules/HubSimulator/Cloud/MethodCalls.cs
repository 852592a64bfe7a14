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
/// Direct methods: a request goes to <c>$iothub/methods/POST/{name}/?$rid={rid}</c>, the device answers on
/// <c>$iothub/methods/res/{status}/?$rid={rid}</c>. A device that is not connected answers 404, as IoT Hub does.
/// </summary>
public sealed class MethodCalls(DeviceLink link)
{
    readonly ConcurrentDictionary<(string Device, string Rid), TaskCompletionSource<MethodResult>> pending = new();
    long next;

    /// <summary>Invokes a method and waits for the device's answer.</summary>
    public async Task<MethodResult> InvokeAsync(string deviceId, string method, string payloadJson, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!await link.IsConnectedAsync(deviceId))
        {
            return new MethodResult(MethodOutcome.DeviceOffline, 404, $"Device '{deviceId}' is not online; method '{method}' was not sent.");
        }

        var rid = Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<MethodResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[(deviceId, rid)] = answer;
        try
        {
            await link.SendAsync(deviceId, MqttTopics.MethodRequest(method, rid), Encoding.UTF8.GetBytes(payloadJson), cancellationToken);
            return await answer.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return new MethodResult(MethodOutcome.TimedOut, 504, $"Device '{deviceId}' did not answer method '{method}' within {timeout.TotalSeconds} s.");
        }
        finally
        {
            pending.TryRemove((deviceId, rid), out _);
        }
    }

    /// <summary>Completes a call from a device's response publish; false when the topic is not a method response.</summary>
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

        var rid = RequestId(rest[(slash + 2)..]);
        if (rid is not null && pending.TryGetValue((deviceId, rid), out var call))
        {
            call.TrySetResult(new MethodResult(MethodOutcome.Answered, status, Encoding.UTF8.GetString(payload)));
        }

        return true;
    }

    /// <summary>The <c>$rid</c> of a topic's query string.</summary>
    public static string? RequestId(string query) =>
        PropertyBag.Decode(query).Where(p => p.Key == "$rid").Select(p => p.Value).FirstOrDefault();
}
