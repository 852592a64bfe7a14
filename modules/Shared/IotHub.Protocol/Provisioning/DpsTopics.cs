using System.Globalization;

namespace IotHub.Protocol.Provisioning;

/// <summary>
/// The Device Provisioning Service's MQTT protocol (docs: "Communicate with DPS using the MQTT protocol"): one definition
/// shared by the module (the device side) and the simulator (the service side).
/// </summary>
public static class DpsTopics
{
    /// <summary>The api-version the official SDKs send (C#, Node: 2019-03-31).</summary>
    public const string ApiVersion = "2019-03-31";

    /// <summary>The public global endpoint; a device finds its DPS instance there by id scope.</summary>
    public const string GlobalEndpoint = "global.azure-devices-provisioning.net";

    /// <summary>DPS over MQTT listens on 8883 (TLS only).</summary>
    public const int MqttTlsPort = 8883;

    /// <summary>Every answer from DPS arrives under this filter; subscribe before registering.</summary>
    public const string ResponseFilter = "$dps/registrations/res/#";

    /// <summary>Prefix of answers: <c>$dps/registrations/res/{status}/?$rid={rid}&amp;retry-after={s}</c>.</summary>
    public const string ResponsePrefix = "$dps/registrations/res/";

    /// <summary>Prefix of the register request; <c>?$rid={rid}</c> follows.</summary>
    public const string RegisterPrefix = "$dps/registrations/PUT/iotdps-register/";

    /// <summary>Prefix of the operation-status poll; <c>?$rid={rid}&amp;operationId={id}</c> follows.</summary>
    public const string PollPrefix = "$dps/registrations/GET/iotdps-get-operationstatus/";

    /// <summary>Query parameter naming the request.</summary>
    public const string RequestIdParameter = "$rid";

    /// <summary>Query parameter naming the operation being polled.</summary>
    public const string OperationIdParameter = "operationId";

    /// <summary>Query parameter with the seconds to wait before the next request.</summary>
    public const string RetryAfterParameter = "retry-after";

    /// <summary>Username: <c>{idScope}/registrations/{registrationId}/api-version=...</c> (no <c>?</c>, unlike IoT Hub).</summary>
    public static string Username(string idScope, string registrationId, string productInfo) =>
        $"{idScope}/registrations/{registrationId}/api-version={ApiVersion}&ClientVersion={Uri.EscapeDataString(productInfo)}";

    /// <summary>The register request's topic.</summary>
    public static string Register(string requestId) => $"{RegisterPrefix}?{RequestIdParameter}={requestId}";

    /// <summary>The poll's topic.</summary>
    public static string Poll(string requestId, string operationId) =>
        $"{PollPrefix}?{RequestIdParameter}={requestId}&{OperationIdParameter}={Uri.EscapeDataString(operationId)}";

    /// <summary>An answer's topic; <paramref name="retryAfter"/> is added when the device should wait.</summary>
    public static string Response(int status, string requestId, TimeSpan? retryAfter = null) =>
        $"{ResponsePrefix}{status.ToString(CultureInfo.InvariantCulture)}/?{RequestIdParameter}={requestId}"
        + (retryAfter is { } wait ? $"&{RetryAfterParameter}={((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}" : "");

    /// <summary>Reads a username of the form <c>{idScope}/registrations/{registrationId}/api-version=...[&amp;...]</c>.</summary>
    public static bool TryParseUsername(string? username, out string idScope, out string registrationId)
    {
        idScope = registrationId = "";
        var parts = username?.Split('/') ?? [];
        if (parts.Length != 4 || parts[1] != "registrations" || parts[0].Length == 0 || parts[2].Length == 0
            || !parts[3].StartsWith("api-version=", StringComparison.Ordinal) || parts[3].Length == "api-version=".Length)
        {
            return false;
        }

        idScope = parts[0];
        registrationId = parts[2];
        return true;
    }

    /// <summary>The parameters after <c>?</c> in a topic (decoded); empty when there are none.</summary>
    public static IReadOnlyDictionary<string, string> Query(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var start = topic.IndexOf('?', StringComparison.Ordinal);
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase); // SDKs match Retry-After in any case
        if (start < 0)
        {
            return result;
        }

        foreach (var pair in topic[(start + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            result[key] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }

        return result;
    }

    /// <summary>Reads an answer topic: the status and its parameters; false when it is not an answer.</summary>
    public static bool TryParseResponse(string topic, out int status, out IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(topic);
        status = 0;
        parameters = Query(topic);
        if (!topic.StartsWith(ResponsePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(ResponsePrefix.Length);
        var slash = rest.IndexOf('/');
        return slash > 0 && int.TryParse(rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out status);
    }

    /// <summary>The retry-after of an answer, when it has a valid one.</summary>
    public static TimeSpan? RetryAfter(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.TryGetValue(RetryAfterParameter, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }
}
