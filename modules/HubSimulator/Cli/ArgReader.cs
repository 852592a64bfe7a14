using System.Globalization;
using IotHub.Certificates;

namespace HubSimulator.Cli;

/// <summary>A verb's arguments: positional values and <c>--name value</c> options.</summary>
public sealed class ArgReader
{
    readonly Dictionary<string, string> options = new(StringComparer.OrdinalIgnoreCase);
    readonly List<string> positional = [];

    /// <summary>Splits <paramref name="args"/>; an option without a value (or followed by another option) reads as "true".</summary>
    public ArgReader(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                var name = args[i][2..];
                var value = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
                options[name] = value;
            }
            else
            {
                positional.Add(args[i]);
            }
        }
    }

    /// <summary>Positional arguments.</summary>
    public IReadOnlyList<string> Positional => positional;

    /// <summary>An option's value, or <paramref name="fallback"/>.</summary>
    public string? Get(string name, string? fallback = null) => options.TryGetValue(name, out var value) ? value : fallback;

    /// <summary>A required option.</summary>
    public string Require(string name, string hint) =>
        Get(name) ?? throw new UsageException($"--{name} is required: {hint}");

    /// <summary>An integer option.</summary>
    public int Number(string name, int fallback) => Get(name) is { } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"--{name} '{text}' is not a positive whole number.")
        : fallback;

    /// <summary>The certificate spec from <c>--days</c> and <c>--key</c>.</summary>
    public CertificateSpec Spec(CertificateSpec fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        var days = Number("days", (int)fallback.Validity.TotalDays);
        var key = Get("key") is { } text
            ? Enum.TryParse<KeyType>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new UsageException($"--key '{text}' is not a key type; use one of {string.Join(", ", Enum.GetNames<KeyType>())}.")
            : fallback.KeyType;
        return new CertificateSpec(TimeSpan.FromDays(days), key);
    }
}

/// <summary>A command-line mistake: one line, exit code 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UsageException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
