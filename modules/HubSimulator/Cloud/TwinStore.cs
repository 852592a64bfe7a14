using System.Text.Json.Nodes;

namespace HubSimulator.Cloud;

/// <summary>A twin patch's end: the new version and the patch as the device receives it, or why it was refused (IoT Hub: 400).</summary>
/// <param name="Version">The document's new <c>$version</c>; 0 when refused.</param>
/// <param name="Pushed">The patch with its <c>$version</c>, as a connected device receives it; null when refused.</param>
/// <param name="Problem">Why it was refused (one line); null when applied.</param>
public sealed record TwinPatchResult(long Version, JsonObject? Pushed, string? Problem)
{
    /// <summary>True when the patch was applied.</summary>
    public bool Applied => Problem is null;
}

/// <summary>
/// Device twins: desired and reported properties, each with its own <c>$version</c> that grows by one per patch. A patch
/// merges into the document and a null deletes a property, as in IoT Hub; one that would break
/// <see cref="TwinRules"/> (32 KB, keys, depth) changes nothing and is refused.
/// </summary>
public sealed class TwinStore
{
    const string VersionKey = "$version";

    readonly Lock gate = new();
    readonly Dictionary<string, (JsonObject Desired, JsonObject Reported)> twins = new(StringComparer.Ordinal);

    /// <summary>The whole twin as a device's GET sees it: <c>{"desired":{...},"reported":{...}}</c>.</summary>
    public JsonObject Get(string deviceId)
    {
        lock (gate)
        {
            var (desired, reported) = Twin(deviceId);
            return new JsonObject { ["desired"] = desired.DeepClone(), ["reported"] = reported.DeepClone() };
        }
    }

    /// <summary>Merges a device's reported patch (IoT Hub answers 204 with the new version, or 400).</summary>
    public TwinPatchResult PatchReported(string deviceId, JsonObject patch) => Patch(deviceId, patch, desired: false);

    /// <summary>Merges a desired patch from the service side; returns the new version and the patch to push (with <c>$version</c>).</summary>
    public TwinPatchResult PatchDesired(string deviceId, JsonObject patch) => Patch(deviceId, patch, desired: true);

    TwinPatchResult Patch(string deviceId, JsonObject patch, bool desired)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var side = desired ? "desired" : "reported";
        if (TwinRules.KeyProblem(patch) is { } keyProblem)
        {
            return new TwinPatchResult(0, null, $"The {side} patch is refused: {keyProblem}.");
        }

        lock (gate)
        {
            var twin = Twin(deviceId);
            var merged = (JsonObject)(desired ? twin.Desired : twin.Reported).DeepClone();
            Merge(merged, patch);
            if (TwinRules.SizeProblem(merged, side) is { } sizeProblem)
            {
                return new TwinPatchResult(0, null, $"The {side} patch is refused: {sizeProblem}.");
            }

            var version = (merged[VersionKey]?.GetValue<long>() ?? 0) + 1;
            merged[VersionKey] = version;
            twins[deviceId] = desired ? (merged, twin.Reported) : (twin.Desired, merged);
            var pushed = (JsonObject)patch.DeepClone();
            pushed[VersionKey] = version;
            return new TwinPatchResult(version, pushed, null);
        }
    }

    static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (key == VersionKey)
            {
                continue;
            }

            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject nested && target[key] is JsonObject existing)
            {
                Merge(existing, nested);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    (JsonObject Desired, JsonObject Reported) Twin(string deviceId)
    {
        if (!twins.TryGetValue(deviceId, out var twin))
        {
            twin = (new JsonObject { [VersionKey] = 1L }, new JsonObject { [VersionKey] = 1L });
            twins[deviceId] = twin;
        }

        return twin;
    }
}
