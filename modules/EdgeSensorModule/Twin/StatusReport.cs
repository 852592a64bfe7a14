using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Identity;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sensors;
using EdgeSensorModule.Sensors.Resilience;
using IotHub.Certificates;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Twin;

/// <summary>
/// The module's status as read-only reported properties (<see cref="ReportedPropertyNames"/>), and the answer of the
/// direct method <c>getStatus</c>: version and build, sensor and its health, outbox, delivery, certificate, start time
/// and the settings in effect.
/// </summary>
public sealed class StatusReport(
    ISensor sensor,
    SensorHealth health,
    IOptions<SensorOptions> sensorOptions,
    IOutbox outbox,
    DeliveryProgress delivery,
    IClientIdentitySource identities,
    LiveSettings live,
    TimeProvider clock)
{
    /// <summary>The module's version, as in the MQTT username's DeviceClientType.</summary>
    public static string ModuleVersion { get; } =
        typeof(StatusReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    readonly DateTimeOffset startedAt = clock.GetUtcNow();

    /// <summary>The status now, one member per <see cref="ReportedPropertyNames"/>.</summary>
    public JsonObject Build()
    {
        var healthNow = health.Snapshot;
        var options = sensorOptions.Value;
        var (lastMessageId, lastAcknowledgedAt) = delivery.Last;
        var settings = live.Current;
        return new JsonObject
        {
            [ReportedPropertyNames.ModuleVersion] = ModuleVersion,
            [ReportedPropertyNames.Build] = RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "AOT",
            [ReportedPropertyNames.Sensor] = new JsonObject
            {
                ["type"] = options.Type.ToString(),
                ["description"] = sensor.Description,
                ["bus"] = options.Type == SensorType.Fake ? null : options.I2cBus,
                ["address"] = options.ParsedI2cAddress is { } address ? $"0x{address.ToString("x2", CultureInfo.InvariantCulture)}" : null,
                ["state"] = healthNow.State.ToString(),
                ["consecutiveFailures"] = healthNow.ConsecutiveFailures,
                ["lastError"] = healthNow.LastError,
            },
            [ReportedPropertyNames.Outbox] = new JsonObject
            {
                ["pending"] = outbox.Count,
                ["dropped"] = outbox.Dropped,
            },
            [ReportedPropertyNames.Delivery] = new JsonObject
            {
                ["lastMessageId"] = lastMessageId,
                ["lastAcknowledgedAt"] = lastAcknowledgedAt,
            },
            [ReportedPropertyNames.Certificate] = Certificate(identities.Current.Certificate),
            [ReportedPropertyNames.StartedAt] = startedAt,
            [ReportedPropertyNames.EffectiveConfig] = new JsonObject
            {
                [WritablePropertyNames.AlertThreshold] = settings.AlertThreshold,
                [WritablePropertyNames.TelemetryInterval] = settings.TelemetryInterval.TotalSeconds,
                [WritablePropertyNames.SendData] = settings.SendData,
            },
        };
    }

    /// <summary>The certificate in use (it follows a rotation); the thumbprint is SHA-1, as the portal shows it.</summary>
    static JsonObject Certificate(CertificateSummary certificate) => new()
    {
        ["subject"] = certificate.Subject,
        ["thumbprint"] = certificate.Sha1Thumbprint,
        ["notAfter"] = certificate.NotAfter,
    };
}
