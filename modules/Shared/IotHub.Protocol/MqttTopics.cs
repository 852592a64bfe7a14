namespace IotHub.Protocol;

/// <summary>IoT Hub MQTT topic names (docs: "Communicate with an IoT hub using the MQTT protocol").</summary>
public static class MqttTopics
{
    /// <summary>Device-to-cloud telemetry: <c>devices/{deviceId}/messages/events/{property_bag}</c>.</summary>
    public static string DeviceTelemetry(string deviceId, string propertyBag) =>
        $"devices/{deviceId}/messages/events/{propertyBag}";

    /// <summary>Prefix of a device's own telemetry topics; everything after it is the property bag.</summary>
    public static string DeviceTelemetryPrefix(string deviceId) => $"devices/{deviceId}/messages/events/";

    /// <summary>Cloud-to-device subscription filter for a device.</summary>
    public static string CloudToDeviceFilter(string deviceId) => $"devices/{deviceId}/messages/devicebound/#";

    /// <summary>Prefix of cloud-to-device messages for a device; the property bag follows.</summary>
    public static string CloudToDevicePrefix(string deviceId) => $"devices/{deviceId}/messages/devicebound/";

    /// <summary>Twin responses (GET and reported-patch answers): subscribe before any twin request.</summary>
    public const string TwinResponseFilter = "$iothub/twin/res/#";

    /// <summary>Prefix of twin responses: <c>$iothub/twin/res/{status}/?$rid={rid}</c>.</summary>
    public const string TwinResponsePrefix = "$iothub/twin/res/";

    /// <summary>Desired-property patches pushed by the hub.</summary>
    public const string TwinDesiredPatchFilter = "$iothub/twin/PATCH/properties/desired/#";

    /// <summary>Prefix of desired-property patches: <c>$iothub/twin/PATCH/properties/desired/?$version={n}</c>.</summary>
    public const string TwinDesiredPatchPrefix = "$iothub/twin/PATCH/properties/desired/";

    /// <summary>Direct-method requests: <c>$iothub/methods/POST/{name}/?$rid={rid}</c>.</summary>
    public const string MethodRequestFilter = "$iothub/methods/POST/#";

    /// <summary>Prefix of direct-method requests.</summary>
    public const string MethodRequestPrefix = "$iothub/methods/POST/";

    /// <summary>Prefix of a device's twin GET request; <c>?$rid={rid}</c> follows.</summary>
    public const string TwinGetPrefix = "$iothub/twin/GET/";

    /// <summary>Prefix of a device's reported-properties patch; <c>?$rid={rid}</c> follows.</summary>
    public const string TwinReportedPatchPrefix = "$iothub/twin/PATCH/properties/reported/";

    /// <summary>Prefix of a device's direct-method response: <c>$iothub/methods/res/{status}/?$rid={rid}</c>.</summary>
    public const string MethodResponsePrefix = "$iothub/methods/res/";

    /// <summary>Twin GET request.</summary>
    public static string TwinGet(string requestId) => $"{TwinGetPrefix}?$rid={requestId}";

    /// <summary>Reported-properties patch.</summary>
    public static string TwinReportedPatch(string requestId) => $"{TwinReportedPatchPrefix}?$rid={requestId}";

    /// <summary>Twin response for a request.</summary>
    public static string TwinResponse(int status, string requestId) => $"{TwinResponsePrefix}{status}/?$rid={requestId}";

    /// <summary>Desired-property patch for a version.</summary>
    public static string TwinDesiredPatch(long version) => $"{TwinDesiredPatchPrefix}?$version={version}";

    /// <summary>Direct-method request to a device.</summary>
    public static string MethodRequest(string methodName, string requestId) => $"{MethodRequestPrefix}{methodName}/?$rid={requestId}";

    /// <summary>Direct-method response from a device.</summary>
    public static string MethodResponse(int status, string requestId) => $"{MethodResponsePrefix}{status}/?$rid={requestId}";
}
