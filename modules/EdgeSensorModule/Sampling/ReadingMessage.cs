using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sensors;
using IotHub.Protocol.Telemetry;

namespace EdgeSensorModule.Sampling;

/// <summary>Turns a sensor reading into the message the hub receives (the contract is <see cref="TelemetryContract"/>).</summary>
public static class ReadingMessage
{
    /// <summary>Builds the outbox entry for reading number <paramref name="sequenceNumber"/>.</summary>
    public static OutboxMessage Create(string deviceId, long sequenceNumber, SensorReading reading, bool temperatureAlert)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var body = new SensorTelemetry
        {
            DeviceId = deviceId,
            MessageId = sequenceNumber,
            Temperature = reading.TemperatureCelsius,
            Humidity = reading.RelativeHumidityPercent,
            Timestamp = reading.Timestamp.ToUniversalTime(),
        };
        return new OutboxMessage(sequenceNumber, TelemetryContract.ToHubMessage(body, temperatureAlert, TelemetryContract.NewMessageId()));
    }
}
