using System.Text.Json.Nodes;

namespace Packaging.Tests;

/// <summary>The packaging files of this repository, found from the test's output folder.</summary>
internal static class Repository
{
    /// <summary>The folder that holds EdgeSensorModule.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The module's project folder (module.json, Dockerfiles).</summary>
    public static string ModuleFolder => Path.Combine(Root, "modules", "EdgeSensorModule");

    /// <summary>Path of a file relative to the root.</summary>
    public static string File(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>Text of a file relative to the root.</summary>
    public static string Read(string relativePath) => System.IO.File.ReadAllText(File(relativePath));

    /// <summary>A JSON file relative to the root, parsed strictly (no comments, no trailing commas).</summary>
    public static JsonObject ReadJson(string relativePath) =>
        JsonNode.Parse(Read(relativePath))?.AsObject() ?? throw new InvalidDataException($"{relativePath} is JSON null.");

    static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(folder.FullName, "EdgeSensorModule.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No EdgeSensorModule.sln above {AppContext.BaseDirectory}.");
    }
}
