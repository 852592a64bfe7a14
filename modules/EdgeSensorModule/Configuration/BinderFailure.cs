using System.Text.RegularExpressions;

namespace EdgeSensorModule.Configuration;

/// <summary>
/// A value the configuration binder could not convert (a word where a number belongs). The binder reports it only as
/// text, so this is the one place that reads that text; <c>BinderFailureTests</c> pins the runtime's wording.
/// </summary>
/// <param name="Key">The setting, e.g. <c>Alert:TemperatureThreshold</c>.</param>
/// <param name="Value">The value that did not convert.</param>
/// <param name="Type">The CLR type it should have converted to.</param>
internal sealed partial record BinderFailure(string Key, string Value, string Type)
{
    /// <summary>The failure the binder's exception describes, or null when it is another exception.</summary>
    public static BinderFailure? From(InvalidOperationException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var match = ConversionFailure().Match(exception.Message);
        return match.Success ? new(match.Groups["key"].Value, match.Groups["value"].Value, match.Groups["type"].Value) : null;
    }

    /// <summary>The one line for the user: the environment variable, the value and what to write instead.</summary>
    public string Describe() => $"{Key.Replace(":", "__", StringComparison.Ordinal)}: '{Value}' is not a valid {Expected()}.";

    string Expected() => Type switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "whole number",
        "System.Double" => "number such as 30 or 30.5",
        "System.Boolean" => "switch: use true or false",
        _ => $"value of type {Type}",
    };

    [GeneratedRegex("Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
