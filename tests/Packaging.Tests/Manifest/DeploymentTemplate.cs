using System.Text.Json.Nodes;

namespace Packaging.Tests.Manifest;

/// <summary>deployment.template.json and the parts of it the checks read.</summary>
internal sealed class DeploymentTemplate
{
    /// <summary>The module's name: its folder under modules/ and its key in the manifest.</summary>
    public const string ModuleName = "EdgeSensorModule";

    public const string FileName = "deployment.template.json";

    DeploymentTemplate(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public JsonObject EdgeAgent => Root["modulesContent"]!["$edgeAgent"]!["properties.desired"]!.AsObject();

    public JsonObject EdgeHub => Root["modulesContent"]!["$edgeHub"]!["properties.desired"]!.AsObject();

    public JsonObject Modules => EdgeAgent["modules"]!.AsObject();

    public JsonObject Module => Modules[ModuleName]!.AsObject();

    public JsonObject CreateOptions => Module["settings"]!["createOptions"]!.AsObject();

    public JsonObject HostConfig => CreateOptions[nameof(HostConfig)]!.AsObject();

    /// <summary>The module's environment: name to value.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        Module["env"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!["value"]!.GetValue<string>(), StringComparer.Ordinal);

    /// <summary>Route name to route text.</summary>
    public IReadOnlyDictionary<string, string> Routes =>
        EdgeHub["routes"]!.AsObject().ToDictionary(r => r.Key, r => r.Value!.GetValue<string>(), StringComparer.Ordinal);

    public static DeploymentTemplate Load() => new(Repository.ReadJson(FileName));
}
