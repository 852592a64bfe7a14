using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.Provisioning;

/// <summary>What DPS told the device: its hub and its device id there.</summary>
/// <param name="AssignedHub">The hub's host name.</param>
/// <param name="DeviceId">The device id in that hub.</param>
/// <param name="IdScope">The DPS instance that assigned it (a cache from another scope is not used).</param>
/// <param name="RegistrationId">The certificate CN it registered with (a cache for another certificate is not used).</param>
/// <param name="AssignedAt">When.</param>
public sealed record DpsAssignment(string AssignedHub, string DeviceId, string IdScope, string RegistrationId, DateTimeOffset AssignedAt);

/// <summary>Source-generated JSON for the cache file.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DpsAssignment))]
internal sealed partial class AssignmentJsonContext : JsonSerializerContext;

/// <summary>
/// The assignment kept next to the outbox (<c>{Outbox__Path}/dps-assignment.json</c>), so a restart connects to its
/// hub without asking DPS (which throttles fleets that register at every boot). Written beside and renamed over: a
/// power cut leaves the old file or the new one. An unreadable file is ignored (logged once): DPS is asked again.
/// </summary>
public sealed partial class AssignmentCache(string outboxFolder, ILogger logger)
{
    /// <summary>The cache file's name.</summary>
    public const string FileName = "dps-assignment.json";

    /// <summary>Where the cache is.</summary>
    public string FilePath { get; } = Path.Combine(outboxFolder, FileName);

    /// <summary>The cached assignment for this scope and registration id, or null.</summary>
    public DpsAssignment? Load(string idScope, string registrationId)
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        try
        {
            var cached = JsonSerializer.Deserialize(File.ReadAllText(FilePath), AssignmentJsonContext.Default.DpsAssignment);
            return cached is { AssignedHub.Length: > 0, DeviceId.Length: > 0 }
                && string.Equals(cached.IdScope, idScope, StringComparison.OrdinalIgnoreCase) && cached.RegistrationId == registrationId
                ? cached
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogUnreadable(logger, FilePath, ex.Message);
            return null;
        }
    }

    /// <summary>Keeps <paramref name="assignment"/>; a failure to write is logged, not fatal (DPS is asked at the next start).</summary>
    public void Save(DpsAssignment assignment)
    {
        var temporary = FilePath + ".new";
        try
        {
            Directory.CreateDirectory(outboxFolder);
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(file, assignment, AssignmentJsonContext.Default.DpsAssignment);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, FilePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogUnwritable(logger, FilePath, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring the DPS assignment cache {Path} ({Reason}); asking DPS again")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the DPS assignment in {Path} ({Reason}); the next start asks DPS again")]
    private static partial void LogUnwritable(ILogger logger, string path, string reason);
}
