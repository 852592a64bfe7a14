namespace IotHub.Protocol;

/// <summary>Maps a <see cref="HubMessage"/> to and from its MQTT topic.</summary>
public static class MqttTelemetry
{
    /// <summary>The topic a device publishes this message on (no trailing slash, as the Node SDK sends it).</summary>
    public static string Topic(string deviceId, HubMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return MqttTopics.DeviceTelemetry(deviceId, PropertyBag.Encode(message.WireProperties()));
    }

    /// <summary>
    /// Splits a telemetry topic's property bag into system and application properties. A trailing slash (the C#
    /// SDK sends one) is accepted.
    /// </summary>
    public static (IReadOnlyDictionary<string, string> System, IReadOnlyList<KeyValuePair<string, string>> Application)
        SplitProperties(string propertyBag)
    {
        ArgumentNullException.ThrowIfNull(propertyBag);
        var system = new Dictionary<string, string>(StringComparer.Ordinal);
        var application = new List<KeyValuePair<string, string>>();
        foreach (var pair in PropertyBag.Decode(propertyBag.TrimEnd('/')))
        {
            if (SystemProperties.IsSystemProperty(pair.Key))
            {
                system[pair.Key] = pair.Value;
            }
            else
            {
                application.Add(pair);
            }
        }

        return (system, application);
    }
}
