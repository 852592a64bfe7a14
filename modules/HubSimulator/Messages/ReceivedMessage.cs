using System.Globalization;
using System.Text;
using System.Text.Json;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;

namespace HubSimulator.Messages;

/// <summary>A device-to-cloud message as the hub received and decoded it.</summary>
/// <param name="DeviceId">The sending device.</param>
/// <param name="ReceivedAt">When the hub took it.</param>
/// <param name="Topic">The MQTT topic, property bag included; for AMQP, the telemetry link's address.</param>
/// <param name="SystemProperties">Decoded system properties (<c>$.mid</c>, <c>$.ct</c>, ...).</param>
/// <param name="ApplicationProperties">Decoded application properties, in wire order.</param>
/// <param name="Body">The body as UTF-8 text.</param>
/// <param name="Reading">The body read as the telemetry contract; null when it is not a reading.</param>
/// <param name="TemperatureAlert">The <c>temperatureAlert</c> property; null when absent.</param>
public sealed record ReceivedMessage(
    string DeviceId,
    DateTimeOffset ReceivedAt,
    string Topic,
    IReadOnlyDictionary<string, string> SystemProperties,
    IReadOnlyList<KeyValuePair<string, string>> ApplicationProperties,
    string Body,
    SensorTelemetry? Reading,
    bool? TemperatureAlert)
{
    /// <summary>Decodes a telemetry publish with the shared protocol code.</summary>
    public static ReceivedMessage Decode(string deviceId, string topic, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var (system, application) = MqttTelemetry.SplitProperties(topic[MqttTopics.DeviceTelemetryPrefix(deviceId).Length..]);
        return Create(deviceId, topic, system, application, payload, receivedAt);
    }

    /// <summary>
    /// A message whose properties are already decoded (AMQP: system properties under their MQTT names);
    /// <paramref name="address"/> is the MQTT topic or the AMQP link address it came on.
    /// </summary>
    public static ReceivedMessage Create(string deviceId, string address, IReadOnlyDictionary<string, string> system,
        IReadOnlyList<KeyValuePair<string, string>> application, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        SensorTelemetry? reading = null;
        try
        {
            reading = TelemetryContract.ParseBody(payload);
        }
        catch (JsonException)
        {
            // Not a reading (another device's payload): kept as text.
        }

        return new ReceivedMessage(deviceId, receivedAt, address, system, application, Encoding.UTF8.GetString(payload), reading,
            TelemetryContract.ReadAlert(application));
    }

    /// <summary>The message id the device set (<c>$.mid</c>), or "-".</summary>
    public string MessageId => SystemProperties.TryGetValue(IotHub.Protocol.SystemProperties.MessageId, out var id) ? id : "-";

    /// <summary>One readable line: device, message id, readings, alert highlighted.</summary>
    public string ToDisplayLine()
    {
        var alert = TemperatureAlert switch
        {
            true => "temperatureAlert=true   <<< ALERT",
            false => "temperatureAlert=false",
            null => "temperatureAlert=(none)",
        };
        if (Reading is not { } reading)
        {
            return $"{DeviceId}  mid={MessageId}  {Body.Length} bytes  {alert}";
        }

        var humidity = reading.Humidity is { } h ? h.ToString("0.00", CultureInfo.InvariantCulture) + " %RH" : "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"{DeviceId}  #{reading.MessageId}  temperature {reading.Temperature:0.00} °C  humidity {humidity}  {alert}  (mid {MessageId})");
    }
}
