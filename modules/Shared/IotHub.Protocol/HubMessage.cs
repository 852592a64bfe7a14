namespace IotHub.Protocol;

/// <summary>
/// A device-to-cloud message as IoT Hub carries it: the body plus its system and application properties.
/// Transport-neutral: MQTT puts the properties in the topic's property bag, AMQP in message properties.
/// </summary>
/// <param name="MessageId">System property <c>$.mid</c>; the same on every attempt to send this message.</param>
/// <param name="CreationTimeUtc">System property <c>$.ctime</c>.</param>
/// <param name="ContentType">System property <c>$.ct</c>.</param>
/// <param name="ContentEncoding">System property <c>$.ce</c>.</param>
/// <param name="ApplicationProperties">Application properties, in the order they go on the wire.</param>
/// <param name="Body">The payload bytes.</param>
public sealed record HubMessage(
    string MessageId,
    DateTimeOffset? CreationTimeUtc,
    string? ContentType,
    string? ContentEncoding,
    IReadOnlyList<KeyValuePair<string, string>> ApplicationProperties,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>System properties first, then application properties: the order the official SDKs use.</summary>
    public IEnumerable<KeyValuePair<string, string>> WireProperties()
    {
        yield return new(SystemProperties.MessageId, MessageId);
        if (ContentType is not null)
        {
            yield return new(SystemProperties.ContentType, ContentType);
        }

        if (ContentEncoding is not null)
        {
            yield return new(SystemProperties.ContentEncoding, ContentEncoding);
        }

        if (CreationTimeUtc is { } created)
        {
            yield return new(SystemProperties.CreationTimeUtc, created.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var property in ApplicationProperties)
        {
            yield return property;
        }
    }
}
