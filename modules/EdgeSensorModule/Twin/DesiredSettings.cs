namespace EdgeSensorModule.Twin;

/// <summary>
/// The writable properties the twin may set (docs/twin.md). A null member means "not set by the twin": the
/// environment default applies.
/// </summary>
/// <param name="AlertThreshold">Temperature alert threshold in °C.</param>
/// <param name="TelemetryInterval">Sampling period, strictly positive.</param>
/// <param name="SendData">False pauses sending telemetry (sampling and the outbox go on).</param>
public sealed record DesiredSettings(double? AlertThreshold, TimeSpan? TelemetryInterval, bool? SendData)
{
    /// <summary>Nothing set by the twin.</summary>
    public static DesiredSettings None { get; } = new(null, null, null);
}
