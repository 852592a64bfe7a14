using System.Text.Json.Nodes;

namespace Packaging.Tests.Docker;

/// <summary>modules/EdgeSensorModule/module.json: the IoT Edge tooling's build description.</summary>
internal static class ModuleJson
{
    public const string FileName = "modules/EdgeSensorModule/module.json";

    /// <summary>The runtime identifier each IoT Edge platform is published for.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuntimeIdentifiers = new Dictionary<string, string>
    {
        ["amd64"] = "linux-x64",
        ["arm32v7"] = "linux-arm",
        ["arm64v8"] = "linux-arm64",
    };

    /// <summary>The platforms whose image ships the Native AOT build; the others (linux-arm: no AOT packs) ship the trimmed one.</summary>
    public static readonly IReadOnlySet<string> NativeAotPlatforms = new HashSet<string>(StringComparer.Ordinal) { "amd64", "arm64v8" };

    static JsonObject Image => Repository.ReadJson(FileName)["image"]!.AsObject();

    /// <summary>Platform to Dockerfile path, relative to the repository root.</summary>
    public static IReadOnlyDictionary<string, string> Platforms => Image["tag"]!["platforms"]!.AsObject()
        .ToDictionary(p => p.Key, p => Relative(p.Value!.GetValue<string>()), StringComparer.Ordinal);

    /// <summary>The docker build context, absolute.</summary>
    public static string ContextFolder => Path.GetFullPath(Path.Combine(Repository.ModuleFolder, Image["contextPath"]!.GetValue<string>()));

    static string Relative(string pathFromModuleFolder) =>
        Path.GetRelativePath(Repository.Root, Path.GetFullPath(Path.Combine(Repository.ModuleFolder, pathFromModuleFolder)));
}
