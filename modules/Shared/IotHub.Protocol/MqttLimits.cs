namespace IotHub.Protocol;

/// <summary>Sizes IoT Hub's MQTT endpoint keeps to (docs: "IoT Hub quotas and throttling", "Other limits").</summary>
public static class MqttLimits
{
    /// <summary>
    /// Largest packet body (MQTT's remaining length) a device accepts from the hub. The hub's largest message is
    /// device-to-cloud telemetry at <see cref="MqttConnectionIdentity.MaxMessageBytes"/> (cloud-to-device is 64 KB,
    /// method payloads 128 KB, twin documents 32 KB); a PUBLISH adds its topic (at most 65,535 bytes, MQTT's own limit)
    /// with its 2-byte length and a 2-byte packet id. Nothing the hub sends is larger.
    /// </summary>
    public const int MaxInboundPacketBytes = MqttConnectionIdentity.MaxMessageBytes + 2 + ushort.MaxValue + 2;
}
