using System.CommandLine;
using System.CommandLine.Parsing;

namespace HubSimulator.Cli;

/// <summary>Option builders shared by the verbs, so that the same kind of value reads and fails the same way everywhere.</summary>
public static class CliOptions
{
    /// <summary>A required text option.</summary>
    public static Option<string> Required(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName, Required = true };

    /// <summary>An optional text option.</summary>
    public static Option<string?> Text(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName };

    /// <summary>An optional text option with a default shown in help.</summary>
    public static Option<string> Text(string name, string description, string helpName, string fallback) =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback };

    /// <summary>A positive whole number with a default shown in help.</summary>
    public static Option<int> Positive(string name, string description, int fallback)
    {
        var option = new Option<int>(name) { Description = description, HelpName = "N", DefaultValueFactory = _ => fallback };
        option.Validators.Add(result => RequirePositive(result, name, result.GetValueOrDefault<int>()));
        return option;
    }

    /// <summary>A positive whole number whose default depends on the verb (null when not given).</summary>
    public static Option<int?> OptionalPositive(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(result => RequirePositive(result, name, result.GetValueOrDefault<int?>() ?? 1));
        return option;
    }

    /// <summary>An on/off switch.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>A URL option (absolute http or https).</summary>
    public static Option<string> Url(string name, string description, string fallback)
    {
        var option = Text(name, description, "URL", fallback);
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                result.AddError($"{name} '{text}' is not an http:// or https:// URL, e.g. http://127.0.0.1:5080.");
            }
        });
        return option;
    }

    /// <summary>A JSON text option, checked before anything is sent.</summary>
    public static Option<string?> Json(string name, string description, bool required)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "JSON", Required = required };
        option.Validators.Add(result =>
        {
            try
            {
                _ = System.Text.Json.Nodes.JsonNode.Parse(result.GetValueOrDefault<string?>() ?? "null");
            }
            catch (System.Text.Json.JsonException ex)
            {
                result.AddError($"{name} is not JSON ({ex.Message}); quote it for the shell, e.g. {name} '{{\"interval\":10}}'.");
            }
        });
        return option;
    }

    static void RequirePositive(OptionResult result, string name, int value)
    {
        if (value <= 0)
        {
            result.AddError($"{name} {value} is not a positive whole number.");
        }
    }
}
