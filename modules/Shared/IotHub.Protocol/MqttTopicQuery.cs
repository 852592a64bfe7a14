using System.Globalization;

namespace IotHub.Protocol;

/// <summary>
/// Reads the parts of IoT Hub's twin and method topics that a device acts on: the status of a twin answer
/// (<c>$iothub/twin/res/{status}/?$rid={rid}&amp;$version={n}</c>), the name of a method request
/// (<c>$iothub/methods/POST/{name}/?$rid={rid}</c>), and their query parameters.
/// </summary>
public static class MqttTopicQuery
{
    /// <summary>Request id: pairs a twin or method request with its answer.</summary>
    public const string RequestId = "$rid";

    /// <summary>Twin document version, on desired patches and reported-patch answers.</summary>
    public const string Version = "$version";

    /// <summary>Plug and Play model id in the CONNECT username's query (docs: IoT Plug and Play conventions).</summary>
    public const string ModelId = "model-id";

    /// <summary>The value of <paramref name="name"/> in the topic's query (after <c>?</c>); null when absent.</summary>
    public static string? Parameter(string topic, string name)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var query = topic.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? null : PropertyBag.Decode(topic[(query + 1)..]).Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault();
    }

    /// <summary>Reads a twin answer topic; false when the topic is not one.</summary>
    public static bool TryParseTwinResponse(string topic, out int status, out string requestId)
    {
        status = 0;
        requestId = "";
        if (!TrySplit(topic, MqttTopics.TwinResponsePrefix, out var segment, out var rid)
            || !int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out status))
        {
            return false;
        }

        requestId = rid;
        return true;
    }

    /// <summary>Reads a direct-method request topic; false when the topic is not one.</summary>
    public static bool TryParseMethodRequest(string topic, out string methodName, out string requestId)
    {
        var ok = TrySplit(topic, MqttTopics.MethodRequestPrefix, out methodName, out requestId) && methodName.Length > 0;
        return ok;
    }

    /// <summary>The <c>$version</c> of a desired-patch topic; null when absent or not a number.</summary>
    public static long? DesiredPatchVersion(string topic) =>
        long.TryParse(Parameter(topic, Version), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    /// <summary>Splits <c>{prefix}{segment}/?...$rid=...</c>.</summary>
    static bool TrySplit(string topic, string prefix, out string segment, out string requestId)
    {
        ArgumentNullException.ThrowIfNull(topic);
        segment = requestId = "";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(prefix.Length);
        var end = rest.IndexOf("/?", StringComparison.Ordinal);
        if (end < 0 || Parameter(topic, RequestId) is not { Length: > 0 } rid)
        {
            return false;
        }

        segment = rest[..end].ToString();
        requestId = rid;
        return true;
    }
}
