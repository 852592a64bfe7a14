using System.Text.Json.Serialization;

namespace IotHub.Protocol.Telemetry;

/// <summary>Source-generated JSON for the telemetry contract: no reflection, trimming and AOT safe.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(SensorTelemetry))]
public sealed partial class TelemetryJsonContext : JsonSerializerContext;
