namespace EdgeSensorModule.Twin;

/// <summary>Names of the read-only reported properties (the module's status, docs/twin.md), spelled once.</summary>
public static class ReportedPropertyNames
{
    /// <summary>String: the module's version.</summary>
    public const string ModuleVersion = "moduleVersion";

    /// <summary>String: <c>JIT</c> or <c>AOT</c>.</summary>
    public const string Build = "build";

    /// <summary>Object: type, bus, address, state, consecutiveFailures, lastError.</summary>
    public const string Sensor = "sensor";

    /// <summary>Object: pending, dropped.</summary>
    public const string Outbox = "outbox";

    /// <summary>Object: lastMessageId, lastAcknowledgedAt.</summary>
    public const string Delivery = "delivery";

    /// <summary>Object: subject, thumbprint, notAfter.</summary>
    public const string Certificate = "certificate";

    /// <summary>Date-time: when the module started.</summary>
    public const string StartedAt = "startedAt";

    /// <summary>Object: alertThreshold, telemetryInterval, sendData in effect.</summary>
    public const string EffectiveConfig = "effectiveConfig";

    /// <summary>Every name above, in the order reported.</summary>
    public static IReadOnlyList<string> All { get; } = [ModuleVersion, Build, Sensor, Outbox, Delivery, Certificate, StartedAt, EffectiveConfig];
}
