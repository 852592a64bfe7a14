namespace IotHub.Protocol;

/// <summary>Wire names of IoT Hub system properties in an MQTT property bag (SDK: MqttIotHubAdapter).</summary>
public static class SystemProperties
{
    /// <summary>Message id: the hub's duplicate detection key; stays the same when a message is re-sent.</summary>
    public const string MessageId = "$.mid";

    /// <summary>Correlation id.</summary>
    public const string CorrelationId = "$.cid";

    /// <summary>Content type; <c>application/json</c> lets routing queries read the body.</summary>
    public const string ContentType = "$.ct";

    /// <summary>Content encoding; <c>utf-8</c> lets routing queries read the body.</summary>
    public const string ContentEncoding = "$.ce";

    /// <summary>Creation time, ISO 8601 round-trip format, UTC.</summary>
    public const string CreationTimeUtc = "$.ctime";

    /// <summary>Absolute expiry time.</summary>
    public const string ExpiryTimeUtc = "$.exp";

    /// <summary>Destination (cloud-to-device).</summary>
    public const string To = "$.to";

    /// <summary>User id.</summary>
    public const string UserId = "$.uid";

    /// <summary>Output name of a module's message (edgeHub routes on it).</summary>
    public const string OutputName = "$.on";

    /// <summary>Message schema.</summary>
    public const string MessageSchema = "$.schema";

    /// <summary>Interface id (Plug and Play).</summary>
    public const string InterfaceId = "$.ifid";

    /// <summary>Component name (Plug and Play).</summary>
    public const string ComponentName = "$.sub";

    /// <summary>True when <paramref name="key"/> is a system property (they all start with <c>$.</c>).</summary>
    public static bool IsSystemProperty(string key) => key.StartsWith("$.", StringComparison.Ordinal);
}
