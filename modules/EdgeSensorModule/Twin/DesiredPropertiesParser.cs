using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeSensorModule.Twin;

/// <summary>The outcome of applying one desired document (full or patch) to the settings in effect.</summary>
/// <param name="Settings">The settings after the valid members were applied; refused members keep their old value.</param>
/// <param name="Version">The desired <c>$version</c>, or null when the document had none.</param>
/// <param name="Acks">One acknowledgement per member of the document, applied or refused.</param>
public sealed record DesiredUpdate(DesiredSettings Settings, long? Version, IReadOnlyList<PropertyAck> Acks);

/// <summary>
/// Parses and validates a desired-properties document. Pure: no I/O, no clock, never throws on any input, so a
/// malformed document from the hub cannot crash the module.
/// </summary>
public static class DesiredPropertiesParser
{
    /// <summary>Applies <paramref name="json"/> on top of <paramref name="current"/>; a repeated name: the last wins.</summary>
    public static DesiredUpdate Apply(DesiredSettings current, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? Apply(current, document.RootElement)
                : new DesiredUpdate(current, null, []);
        }
        catch (JsonException)
        {
            return new DesiredUpdate(current, null, []); // nothing to acknowledge: no property names
        }
    }

    static DesiredUpdate Apply(DesiredSettings current, JsonElement document)
    {
        long? version = null;
        var settings = current;
        var acks = new List<PropertyAck>();
        foreach (var member in document.EnumerateObject())
        {
            if (member.Name == WritablePropertyNames.Version)
            {
                version = member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt64(out var n) ? n : null;
            }
            else if (!member.Name.StartsWith('$')) // $metadata and other hub bookkeeping are not settings
            {
                var (next, ack) = ApplyMember(settings, member.Name, member.Value);
                settings = next;
                acks.RemoveAll(a => a.Name == member.Name);
                if (ack is not null)
                {
                    acks.Add(ack);
                }
            }
        }

        return new DesiredUpdate(settings, version, acks);
    }

    /// <summary>A null removes a property (IoT Hub's patch rule): a known one returns to the environment's setting.</summary>
    static (DesiredSettings, PropertyAck?) ApplyMember(DesiredSettings settings, string name, JsonElement value)
    {
        switch (name)
        {
            case WritablePropertyNames.AlertThreshold when value.ValueKind == JsonValueKind.Null:
                return (settings with { AlertThreshold = null }, Reset(name));
            case WritablePropertyNames.TelemetryInterval when value.ValueKind == JsonValueKind.Null:
                return (settings with { TelemetryInterval = null }, Reset(name));
            case WritablePropertyNames.SendData when value.ValueKind == JsonValueKind.Null:
                return (settings with { SendData = null }, Reset(name));
            case var _ when value.ValueKind == JsonValueKind.Null:
                return (settings, null); // an unknown property removed: nothing to acknowledge
            case WritablePropertyNames.AlertThreshold when Number(value) is { } celsius && double.IsFinite(celsius):
                return (settings with { AlertThreshold = celsius }, Ok(name, JsonValue.Create(celsius)));
            case WritablePropertyNames.AlertThreshold:
                return (settings, Refuse(name, JsonValue.Create(settings.AlertThreshold), "must be a finite number of °C"));
            case WritablePropertyNames.TelemetryInterval when Number(value) is { } seconds && seconds > 0 && seconds <= MaxIntervalSeconds:
                return (settings with { TelemetryInterval = TimeSpan.FromSeconds(seconds) }, Ok(name, JsonValue.Create(seconds)));
            case WritablePropertyNames.TelemetryInterval:
                return (settings, Refuse(name, JsonValue.Create(settings.TelemetryInterval?.TotalSeconds), $"must be a number of seconds greater than 0 and at most {MaxIntervalSeconds}"));
            case WritablePropertyNames.SendData when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return (settings with { SendData = value.GetBoolean() }, Ok(name, JsonValue.Create(value.GetBoolean())));
            case WritablePropertyNames.SendData:
                return (settings, Refuse(name, JsonValue.Create(settings.SendData), "must be true or false"));
            default:
                return (settings, new PropertyAck(name, null, PropertyAck.Refused, "unknown property"));
        }
    }

    /// <summary>Longest accepted interval: one day (a longer one is a typo, and keeps the timer arithmetic safe).</summary>
    public const double MaxIntervalSeconds = 86_400;

    static PropertyAck Reset(string name) => new(name, null, PropertyAck.Applied, "removed: the module's own setting applies");

    static PropertyAck Ok(string name, JsonNode value) => new(name, value, PropertyAck.Applied, "applied");

    static PropertyAck Refuse(string name, JsonNode? old, string why) => new(name, old, PropertyAck.Refused, why);

    static double? Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) ? d : null;
}
