using System.Globalization;
using System.Text.Json;

namespace IotHub.Protocol.Telemetry;

/// <summary>
/// The one definition of a sensor reading on the wire: JSON body, content type and encoding, and the
/// <c>temperatureAlert</c> application property. The module writes it, the simulator and the tests read it.
/// </summary>
public static class TelemetryContract
{
    /// <summary>Content type (<c>$.ct</c>): lets IoT Hub routing queries read the body.</summary>
    public const string ContentType = "application/json";

    /// <summary>Content encoding (<c>$.ce</c>).</summary>
    public const string ContentEncoding = "utf-8";

    /// <summary>Application property: "true" when the temperature is above the threshold, else "false".</summary>
    public const string TemperatureAlertProperty = "temperatureAlert";

    /// <summary>Builds the hub message for a reading.</summary>
    /// <param name="telemetry">The body.</param>
    /// <param name="temperatureAlert">The alert decision for this reading.</param>
    /// <param name="messageId">The <c>$.mid</c>; must be the same each time this reading is sent.</param>
    public static HubMessage ToHubMessage(SensorTelemetry telemetry, bool temperatureAlert, string messageId)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        var body = JsonSerializer.SerializeToUtf8Bytes(telemetry, TelemetryJsonContext.Default.SensorTelemetry);
        return new HubMessage(
            messageId,
            telemetry.Timestamp,
            ContentType,
            ContentEncoding,
            [new(TemperatureAlertProperty, FormatAlert(temperatureAlert))],
            body);
    }

    /// <summary>"true" or "false", lower case, as the seed sends it.</summary>
    public static string FormatAlert(bool alert) => alert ? "true" : "false";

    /// <summary>Reads a body; throws <see cref="JsonException"/> when it is not a valid reading.</summary>
    public static SensorTelemetry ParseBody(ReadOnlySpan<byte> body) =>
        JsonSerializer.Deserialize(body, TelemetryJsonContext.Default.SensorTelemetry)
        ?? throw new JsonException("The telemetry body is JSON null.");

    /// <summary>Reads the alert property; null when absent or not "true"/"false".</summary>
    public static bool? ReadAlert(IEnumerable<KeyValuePair<string, string>> applicationProperties)
    {
        ArgumentNullException.ThrowIfNull(applicationProperties);
        foreach (var (key, value) in applicationProperties)
        {
            if (key == TemperatureAlertProperty)
            {
                return value switch
                {
                    "true" => true,
                    "false" => false,
                    _ => null,
                };
            }
        }

        return null;
    }

    /// <summary>A new <c>$.mid</c>: globally unique, so duplicates after a resend are recognisable.</summary>
    public static string NewMessageId() => MessageIds.Next().ToString("N", CultureInfo.InvariantCulture);
}
