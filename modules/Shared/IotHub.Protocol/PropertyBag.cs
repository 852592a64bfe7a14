using System.Globalization;
using System.Runtime.CompilerServices;

namespace IotHub.Protocol;

/// <summary>
/// The property bag at the end of an IoT Hub MQTT topic: <c>key=value</c> pairs joined by <c>&amp;</c>, each key
/// and value escaped like <see cref="Uri.EscapeDataString(string)"/> (<c>$</c> becomes <c>%24</c>).
/// </summary>
public static class PropertyBag
{
    /// <summary>Encodes the pairs in the order given (system properties first, as the SDKs send them).</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);

        // Sent with every message: escaped straight into one buffer, so the only allocation is the result.
        var bag = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        var first = true;
        foreach (var (key, value) in properties)
        {
            if (!first)
            {
                bag.AppendLiteral("&");
            }

            AppendEscaped(ref bag, key);
            bag.AppendLiteral("=");
            AppendEscaped(ref bag, value);
            first = false;
        }

        return bag.ToStringAndClear();
    }

    static void AppendEscaped(ref DefaultInterpolatedStringHandler bag, string text)
    {
        // Escaping at most triples the length ('$' becomes "%24").
        Span<char> escaped = text.Length <= 64 ? stackalloc char[192] : new char[text.Length * 3];
        Uri.TryEscapeDataString(text, escaped, out var written);
        bag.AppendFormatted((ReadOnlySpan<char>)escaped[..written]);
    }

    /// <summary>
    /// Decodes a property bag. A key without <c>=</c> decodes with an empty value, as the hub reads it.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Decode(string bag)
    {
        ArgumentNullException.ThrowIfNull(bag);
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in bag.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            result.Add(new(Uri.UnescapeDataString(key), Uri.UnescapeDataString(value)));
        }

        return result;
    }
}
