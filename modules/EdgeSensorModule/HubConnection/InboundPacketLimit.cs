namespace EdgeSensorModule.HubConnection;

/// <summary>
/// Follows MQTT's framing through the bytes a server sends (fixed header: a type byte, then the remaining length in
/// one to four bytes of 7 bits, lowest first; then that many bytes of body) and refuses a packet whose declared
/// remaining length is over the limit as soon as its last length byte arrives. That is before the body is read:
/// MQTTnet allocates a packet's whole body once it knows the length, so the refusal has to come first.
/// </summary>
/// <param name="maxRemainingLength">The largest remaining length accepted.</param>
internal sealed class InboundPacketLimit(int maxRemainingLength)
{
    const int MaxFixedHeaderBytes = 5;

    int headerBytes; // of the fixed header being read; 0 at a packet boundary
    int remainingLength;
    long bodyLeft;

    /// <summary>
    /// Accounts for <paramref name="received"/>, the next bytes of the stream; false, with the declared length, when a
    /// packet in them is over the limit.
    /// </summary>
    public bool Accepts(ReadOnlySpan<byte> received, out int declaredLength)
    {
        declaredLength = 0;
        var at = 0;
        while (at < received.Length)
        {
            if (bodyLeft > 0)
            {
                var skipped = (int)Math.Min(bodyLeft, received.Length - at);
                bodyLeft -= skipped;
                at += skipped;
                continue;
            }

            var value = received[at++];
            if (headerBytes++ == 0)
            {
                remainingLength = 0; // the packet type and flags
                continue;
            }

            remainingLength |= (value & 0x7F) << (7 * (headerBytes - 2));
            if ((value & 0x80) != 0 && headerBytes < MaxFixedHeaderBytes)
            {
                continue;
            }

            headerBytes = 0; // a fifth length byte is malformed: MQTTnet refuses the packet itself
            if (remainingLength > maxRemainingLength)
            {
                declaredLength = remainingLength;
                return false;
            }

            bodyLeft = remainingLength;
        }

        return true;
    }
}
