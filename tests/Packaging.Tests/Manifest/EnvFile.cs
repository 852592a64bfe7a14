using System.Text.RegularExpressions;

namespace Packaging.Tests.Manifest;

/// <summary>.env.template: the variables the IoT Edge tooling substitutes into the template and module.json.</summary>
internal static partial class EnvFile
{
    public const string TemplateName = ".env.template";

    /// <summary>Variable name to the value the template suggests.</summary>
    public static Dictionary<string, string> Declared() => Repository.Read(TemplateName).Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.Ordinal);

    /// <summary>
    /// <c>$NAME</c> and <c>${NAME}</c> in upper case: the tooling's variables. Lower-case <c>$upstream</c>,
    /// <c>$edgeAgent</c>, <c>$connectionModuleId</c> belong to IoT Edge; <c>${MODULES.X}</c> to module.json.
    /// </summary>
    public static IEnumerable<string> References(string text) => Reference().Matches(text).Select(m => m.Groups["name"].Value);

    /// <summary><paramref name="text"/> with every variable replaced by its value in <paramref name="values"/>.</summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> values) =>
        Reference().Replace(text, m => values.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\$\{?(?<name>[A-Z][A-Z0-9_]*)(?![A-Za-z0-9_.])\}?")]
    private static partial Regex Reference();
}
