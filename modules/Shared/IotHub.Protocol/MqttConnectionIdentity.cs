namespace IotHub.Protocol;

/// <summary>How a device names itself in MQTT CONNECT (docs: "Using the MQTT protocol directly (as a device)").</summary>
public static class MqttConnectionIdentity
{
    /// <summary>The api-version the docs recommend; edgeHub requires the parameter but not this value.</summary>
    public const string ApiVersion = "2021-04-12";

    /// <summary>MQTT port of IoT Hub and edgeHub (TLS only; there is no plain-text port).</summary>
    public const int MqttTlsPort = 8883;

    /// <summary>Largest device-to-cloud message the hub accepts.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    /// <summary>The client id is the device id.</summary>
    public static string ClientId(string deviceId) => deviceId;

    /// <summary>
    /// <c>{host}/{deviceId}/?api-version=...&amp;DeviceClientType=...[&amp;model-id=...]</c>. Through a gateway the first
    /// segment is the gateway host name, as the SDK sends it. A Plug and Play device adds its model id, escaped as the
    /// C# and C SDKs send it (the hub decodes it).
    /// </summary>
    public static string Username(string host, string deviceId, string productInfo, string? modelId = null) =>
        $"{host}/{deviceId}/?api-version={ApiVersion}&DeviceClientType={Uri.EscapeDataString(productInfo)}"
        + (modelId is null ? "" : $"&{MqttTopicQuery.ModelId}={Uri.EscapeDataString(modelId)}");

    /// <summary>
    /// Reads a username of the form <c>{host}/{deviceId}/?api-version=...</c> (what the hub requires); false when it
    /// has another shape or no api-version parameter.
    /// </summary>
    public static bool TryParseUsername(string? username, out string host, out string deviceId)
    {
        host = deviceId = "";
        var query = username?.IndexOf("/?", StringComparison.Ordinal) ?? -1;
        if (username is null || query < 0)
        {
            return false;
        }

        var path = username[..query].Split('/');
        var parameters = PropertyBag.Decode(username[(query + 2)..]);
        if (path.Length != 2 || path[0].Length == 0 || path[1].Length == 0 || !parameters.Any(p => p.Key == "api-version" && p.Value.Length > 0))
        {
            return false;
        }

        host = path[0];
        deviceId = path[1];
        return true;
    }
}
