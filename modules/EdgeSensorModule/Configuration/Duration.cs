using System.Globalization;

namespace EdgeSensorModule.Configuration;

/// <summary>
/// Durations as users write them: a plain number is seconds (<c>5</c>, <c>0.5</c>), a number with a unit is
/// <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c> or <c>30d</c>, and anything with a colon is a TimeSpan (<c>00:00:05</c>,
/// <c>1.00:00:00</c>). A plain number is never days, as <see cref="TimeSpan.Parse(string)"/> would read it.
/// </summary>
public static class Duration
{
    /// <summary>How to write a duration, for error messages.</summary>
    public const string Forms = "seconds (5), a number with a unit (500ms, 5s, 2m, 1h, 30d) or hh:mm:ss (00:00:05)";

    static readonly (string Suffix, double Seconds)[] Units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];

    /// <summary>Parses <paramref name="text"/>; false when it is none of the accepted forms or beyond TimeSpan.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
        }

        var (number, scale) = SplitUnit(trimmed);
        if (!double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var seconds = amount * scale;
        if (!double.IsFinite(seconds) || Math.Abs(seconds) >= TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>The shortest exact form: <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>30d</c>, else hh:mm:ss.fff.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        for (var i = Units.Length - 1; i >= 0; i--)
        {
            var (suffix, seconds) = Units[i];
            var ticks = (long)(seconds * TimeSpan.TicksPerSecond);
            if (value.Ticks % ticks == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{value.Ticks / ticks}{suffix}");
            }
        }

        return value.ToString("c", CultureInfo.InvariantCulture);
    }

    static (string Number, double Scale) SplitUnit(string text)
    {
        // "ms" before "m" and "s": the first suffix that matches wins.
        foreach (var (suffix, seconds) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                var number = text[..^suffix.Length].TrimEnd();
                return number.Length > 0 && char.IsAsciiDigit(number[^1]) ? (number, seconds) : (text, 1);
            }
        }

        return (text, 1);
    }
}

/// <summary>The values a duration setting accepts, both ends included.</summary>
/// <param name="Min">The shortest allowed.</param>
/// <param name="Max">The longest allowed.</param>
public readonly record struct DurationRange(TimeSpan Min, TimeSpan Max)
{
    /// <summary>True when <paramref name="value"/> is within the range.</summary>
    public bool Contains(TimeSpan value) => value >= Min && value <= Max;

    /// <inheritdoc />
    public override string ToString() => $"{Duration.Format(Min)} to {Duration.Format(Max)}";
}
