using System.Text.Json;

namespace EdgeSensorModule.Twin;

/// <summary>The last desired configuration applied and its twin <c>$version</c>, as kept on disk.</summary>
/// <param name="Version">The desired <c>$version</c> it came from.</param>
/// <param name="Settings">The settings in effect after it.</param>
public sealed record AppliedDesired(long Version, DesiredSettings Settings);

/// <summary>
/// Keeps <see cref="AppliedDesired"/> in a small JSON file next to the outbox, written atomically (temporary file,
/// then rename), so a restart without network starts with the remote settings.
/// </summary>
/// <param name="path">The file, e.g. <c>{Outbox__Path}/twin-desired.json</c>.</param>
public sealed class AppliedDesiredFile(string path)
{
    /// <summary>The file name inside the outbox folder.</summary>
    public const string FileName = "twin-desired.json";

    /// <summary>Writes <paramref name="applied"/>, replacing the previous file in one step.</summary>
    public void Save(AppliedDesired applied)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(applied, AppliedDesiredJson.Default.AppliedDesired));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The saved configuration; null when there is none or it cannot be read (the environment defaults apply).</summary>
    public AppliedDesired? Load()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), AppliedDesiredJson.Default.AppliedDesired);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Source-generated (trimming-safe) serialization of <see cref="AppliedDesired"/>.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(AppliedDesired))]
internal sealed partial class AppliedDesiredJson : System.Text.Json.Serialization.JsonSerializerContext;
