using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Configuration;

/// <summary>
/// Options whose durations and choices the module reads itself, because the configuration binder reads them wrongly:
/// a plain number as days for a TimeSpan, and any number as a member of an enum.
/// </summary>
internal interface IParsedOptions
{
    /// <summary>Sets the durations and choices found in the section; throws <see cref="SettingException"/> for a bad value.</summary>
    void Parse(SettingReader settings);
}

/// <summary>Reads durations (<see cref="Duration"/>, bounded) and choices (enum names only) from one configuration section.</summary>
internal sealed class SettingReader(IConfigurationSection section)
{
    /// <summary>The duration at <paramref name="key"/>, or <paramref name="current"/> when it is not set.</summary>
    public TimeSpan Duration(string key, TimeSpan current, DurationRange range)
    {
        if (Raw(key) is not { } text)
        {
            return current;
        }

        if (!Configuration.Duration.TryParse(text, out var value))
        {
            throw new SettingException($"{Name(key)}: '{text}' is not a duration: write {Configuration.Duration.Forms}; allowed {range}.");
        }

        return range.Contains(value)
            ? value
            : throw new SettingException($"{Name(key)} {text} is out of range: use {range}.");
    }

    /// <summary>The enum member named at <paramref name="key"/> (any case), or <paramref name="current"/> when it is not set; numbers are refused.</summary>
    public TEnum Choice<TEnum>(string key, TEnum current)
        where TEnum : struct, Enum
    {
        if (Raw(key) is not { } text)
        {
            return current;
        }

        foreach (var name in Enum.GetNames<TEnum>())
        {
            if (name.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return Enum.Parse<TEnum>(name);
            }
        }

        throw new SettingException($"{Name(key)}: '{text}' is not a valid value: use one of {string.Join(", ", Enum.GetNames<TEnum>())} (by name).");
    }

    string? Raw(string key) => section[key] is { Length: > 0 } text ? text : null;

    /// <summary>The environment variable form users set, e.g. <c>Telemetry__Interval</c>.</summary>
    string Name(string key) => $"{section.Path.Replace(":", "__", StringComparison.Ordinal)}__{key}";
}

/// <summary>Registers <see cref="IParsedOptions.Parse"/> after the binder.</summary>
internal static class ParsedOptionsBuilderExtensions
{
    /// <summary>Parses the durations and choices of <paramref name="section"/> into the options.</summary>
    public static OptionsBuilder<TOptions> Parse<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class, IParsedOptions
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure(options => options.Parse(new SettingReader(section)));
    }
}
