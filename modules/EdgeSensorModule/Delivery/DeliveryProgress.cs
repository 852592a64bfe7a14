namespace EdgeSensorModule.Delivery;

/// <summary>The last reading the hub acknowledged, for the twin's reported status. Written by delivery, read by anyone.</summary>
public sealed class DeliveryProgress
{
    readonly Lock gate = new();
    (long? MessageId, DateTimeOffset? At) last;

    /// <summary>The highest messageId acknowledged and when; nulls before the first.</summary>
    public (long? MessageId, DateTimeOffset? At) Last
    {
        get
        {
            lock (gate)
            {
                return last;
            }
        }
    }

    /// <summary>Records an acknowledgement.</summary>
    public void Acknowledged(long messageId, DateTimeOffset at)
    {
        lock (gate)
        {
            last = (Math.Max(messageId, last.MessageId ?? long.MinValue), at);
        }
    }
}
