using System.Globalization;
using IotHub.Protocol;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace IotHub.Amqp;

/// <summary>
/// A <see cref="HubMessage"/> as an AMQP message, mapped as the official SDKs map it (SDK v1 AmqpIotMessageConverter;
/// edgeHub's AmqpMessageConverter on the hub side): message id, content type and content encoding in the properties
/// section, creation time as the application property <c>iothub-creation-time-utc</c> (ISO 8601 string), application
/// properties as strings, the body as one data section.
/// </summary>
public static class AmqpTelemetry
{
    /// <summary>Application property carrying the creation time (MQTT's <c>$.ctime</c>).</summary>
    public const string CreationTimeProperty = "iothub-creation-time-utc";

    /// <summary>
    /// The AMQP message a device sends for <paramref name="message"/>, encoded once into one array
    /// (<see cref="TelemetrySections"/>, <see cref="EncodedAmqpMessage"/>): the properties section, the
    /// application-properties section when there are any, one data section.
    /// </summary>
    public static AmqpMessage ToAmqp(HubMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new EncodedAmqpMessage(TelemetrySections.Encode(message));
    }

    /// <summary>
    /// What a hub reads from a device's AMQP message: system properties under their MQTT wire names (<c>$.mid</c>,
    /// <c>$.ct</c>, <c>$.ce</c>, <c>$.ctime</c>, ...), so both transports decode to the same thing; application
    /// properties in wire order (non-string values as text); the body's data sections joined.
    /// </summary>
    public static (IReadOnlyDictionary<string, string> System, IReadOnlyList<KeyValuePair<string, string>> Application, byte[] Body) FromAmqp(AmqpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var system = new Dictionary<string, string>(SystemPropertyCount, StringComparer.Ordinal); // sized once: no growing per message
        var application = new List<KeyValuePair<string, string>>(message.Sections.HasFlag(SectionFlag.ApplicationProperties) ? message.ApplicationProperties.Map.Count : 0);
        if (message.Sections.HasFlag(SectionFlag.Properties))
        {
            var properties = message.Properties;
            AddIfSet(system, SystemProperties.MessageId, properties.MessageId?.ToString());
            AddIfSet(system, SystemProperties.CorrelationId, properties.CorrelationId?.ToString());
            AddIfSet(system, SystemProperties.ContentType, properties.ContentType.Value);
            AddIfSet(system, SystemProperties.ContentEncoding, properties.ContentEncoding.Value);
            AddIfSet(system, SystemProperties.To, properties.To?.ToString());
            if (properties.UserId.Array is { } userId)
            {
                system[SystemProperties.UserId] = System.Text.Encoding.UTF8.GetString(userId, properties.UserId.Offset, properties.UserId.Count);
            }

            if (properties.AbsoluteExpiryTime is { } expiry)
            {
                system[SystemProperties.ExpiryTimeUtc] = expiry.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
            }
        }

        if (message.Sections.HasFlag(SectionFlag.ApplicationProperties))
        {
            foreach (var pair in message.ApplicationProperties.Map)
            {
                var key = pair.Key.ToString() ?? "";
                var value = Convert.ToString(pair.Value, CultureInfo.InvariantCulture) ?? "";
                if (key == CreationTimeProperty)
                {
                    system[SystemProperties.CreationTimeUtc] = value;
                }
                else
                {
                    application.Add(new(key, value));
                }
            }
        }

        return (system, application, AmqpMessageBody.Read(message));
    }

    /// <summary>How many system properties <see cref="FromAmqp"/> can read (message id to creation time).</summary>
    const int SystemPropertyCount = 8;

    static void AddIfSet(Dictionary<string, string> system, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            system[name] = value;
        }
    }
}
