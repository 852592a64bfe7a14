namespace EdgeSensorModule.Methods;

/// <summary>Names of the direct methods (Plug and Play commands) the module answers, spelled once.</summary>
public static class MethodNames
{
    /// <summary>Takes a reading now, returns it and queues it as telemetry.</summary>
    public const string ReadNow = "readNow";

    /// <summary>Returns the reported status.</summary>
    public const string GetStatus = "getStatus";

    /// <summary>Every method.</summary>
    public static IReadOnlyList<string> All { get; } = [ReadNow, GetStatus];
}
