using System.Text.Json.Nodes;

namespace HubSimulator.Cloud;

/// <summary>
/// Device twins: desired and reported properties with their <c>$version</c>. A patch merges into the document and a
/// null deletes a property, as in IoT Hub.
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

    /// <summary>Merges a reported patch; returns the new reported version.</summary>
    public long PatchReported(string deviceId, JsonObject patch) => Patch(deviceId, patch, desired: false).Version;

    /// <summary>Merges a desired patch; returns the new version and the patch to push (with <c>$version</c>).</summary>
    public (long Version, JsonObject Pushed) PatchDesired(string deviceId, JsonObject patch) => Patch(deviceId, patch, desired: true);

    (long Version, JsonObject Pushed) Patch(string deviceId, JsonObject patch, bool desired)
    {
        ArgumentNullException.ThrowIfNull(patch);
        lock (gate)
        {
            var twin = Twin(deviceId);
            var target = desired ? twin.Desired : twin.Reported;
            Merge(target, patch);
            var version = (target[VersionKey]?.GetValue<long>() ?? 0) + 1;
            target[VersionKey] = version;
            var pushed = (JsonObject)patch.DeepClone();
            pushed[VersionKey] = version;
            return (version, pushed);
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
