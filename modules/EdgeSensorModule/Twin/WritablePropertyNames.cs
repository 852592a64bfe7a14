namespace EdgeSensorModule.Twin;

/// <summary>Names of the writable twin properties (the contract in docs/twin.md), spelled once.</summary>
public static class WritablePropertyNames
{
    /// <summary>Number, °C: <c>temperatureAlert</c> is true above it.</summary>
    public const string AlertThreshold = "alertThreshold";

    /// <summary>Number, seconds, greater than 0: the sampling period.</summary>
    public const string TelemetryInterval = "telemetryInterval";

    /// <summary>Boolean: false pauses sending telemetry, true resumes it.</summary>
    public const string SendData = "sendData";

    /// <summary>The twin's document version, present in every desired document and patch.</summary>
    public const string Version = "$version";
}
