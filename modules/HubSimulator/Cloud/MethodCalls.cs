using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using IotHub.Protocol;

namespace HubSimulator.Cloud;

/// <summary>A direct method's answer from the device.</summary>
/// <param name="Status">The status the device replied with.</param>
/// <param name="Payload">Its JSON payload.</param>
public sealed record MethodResult(int Status, string Payload);

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
            return new MethodResult(404, $"{{\"message\":\"Device '{deviceId}' is not online.\"}}");
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
            return new MethodResult(504, $"{{\"message\":\"Device '{deviceId}' did not answer method '{method}' within {timeout.TotalSeconds} s.\"}}");
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
            call.TrySetResult(new MethodResult(status, Encoding.UTF8.GetString(payload)));
        }

        return true;
    }

    /// <summary>The <c>$rid</c> of a topic's query string.</summary>
    public static string? RequestId(string query) =>
        PropertyBag.Decode(query).Where(p => p.Key == "$rid").Select(p => p.Value).FirstOrDefault();
}
