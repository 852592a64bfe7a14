using EdgeSensorModule.Sensors;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;

namespace EdgeSensorModule.Sampling;

/// <summary>Turns a sensor reading into the message the hub receives (the contract is <see cref="TelemetryContract"/>).</summary>
public static class ReadingMessage
{
    /// <summary>Builds the message for a reading that the outbox numbered <paramref name="messageId"/>.</summary>
    public static HubMessage Create(string deviceId, long messageId, SensorReading reading, bool temperatureAlert)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var body = new SensorTelemetry
        {
            DeviceId = deviceId,
            MessageId = messageId,
            Temperature = reading.TemperatureCelsius,
            Humidity = reading.RelativeHumidityPercent,
            Timestamp = reading.Timestamp.ToUniversalTime(),
        };
        return TelemetryContract.ToHubMessage(body, temperatureAlert, TelemetryContract.NewMessageId());
    }
}
