namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>MQTT packets as bytes on the wire, for servers that send what no broker would.</summary>
internal static class MqttBytes
{
    /// <summary>CONNACK, session not present, accepted.</summary>
    public static readonly byte[] ConnAckAccepted = [0x20, 0x02, 0x00, 0x00];

    /// <summary>
    /// The fixed header of a QoS 0 PUBLISH declaring <paramref name="remainingLength"/> bytes to follow, encoded as
    /// MQTT 3.1.1 §2.2.3 says: 7 bits a byte, lowest first, high bit set when more follow.
    /// </summary>
    public static byte[] PublishHeader(int remainingLength)
    {
        var header = new List<byte> { 0x30 };
        do
        {
            var digit = (byte)(remainingLength % 128);
            remainingLength /= 128;
            header.Add(remainingLength > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remainingLength > 0);
        return [.. header];
    }
}
