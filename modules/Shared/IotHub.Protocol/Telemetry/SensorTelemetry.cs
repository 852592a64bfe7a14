using System.Text.Json.Serialization;

namespace IotHub.Protocol.Telemetry;

/// <summary>
/// The body of one reading, as the seed tutorial's device sends it plus a timestamp:
/// <c>{"deviceId":"dev1","messageId":0,"temperature":25.1,"humidity":61.2,"timestamp":"...Z"}</c>.
/// </summary>
public sealed record SensorTelemetry
{
    /// <summary>The device that took the reading.</summary>
    [JsonPropertyName("deviceId")]
    public required string DeviceId { get; init; }

    /// <summary>Sequence number: 0 on a fresh device, one more for each reading.</summary>
    [JsonPropertyName("messageId")]
    public required long MessageId { get; init; }

    /// <summary>Temperature in degrees Celsius.</summary>
    [JsonPropertyName("temperature")]
    public required double Temperature { get; init; }

    /// <summary>Relative humidity in percent; absent when the sensor measures no humidity (BMP280).</summary>
    [JsonPropertyName("humidity")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Humidity { get; init; }

    /// <summary>When the sensor was read, UTC.</summary>
    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }
}
