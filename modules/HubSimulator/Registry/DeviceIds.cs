namespace HubSimulator.Registry;

/// <summary>
/// IoT Hub's rule for device ids (and, here, CA names): up to 128 characters, ASCII letters and digits and
/// <c>- . + % _ # * ? ! ( ) , : = @ $ '</c>, case-sensitive (IoT Hub identity registry documentation).
/// </summary>
public static class DeviceIds
{
    /// <summary>The longest id IoT Hub accepts.</summary>
    public const int MaxLength = 128;

    /// <summary>The characters besides ASCII letters and digits.</summary>
    public const string Specials = "-.+%_#*?!(),:=@$'";

    static readonly System.Buffers.SearchValues<char> Allowed =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + Specials);

    /// <summary>Throws a 400 <see cref="RegistryException"/> naming <paramref name="field"/> unless <paramref name="value"/> follows the rule.</summary>
    public static void Check(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new RegistryException(400, $"{field} is required.");
        }

        if (value.Length > MaxLength)
        {
            throw new RegistryException(400, $"{field} has {value.Length} characters; IoT Hub allows at most {MaxLength}.");
        }

        var bad = value.AsSpan().IndexOfAnyExcept(Allowed);
        if (bad >= 0)
        {
            throw new RegistryException(400, $"{field} contains {Describe(value[bad])}; IoT Hub allows ASCII letters, digits and {Specials}");
        }
    }

    static string Describe(char c) => char.IsControl(c) || c > '~' || char.IsWhiteSpace(c) ? $"the character U+{(int)c:X4}" : $"'{c}'";
}
