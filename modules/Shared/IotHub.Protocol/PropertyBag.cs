using System.Text;

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
        var builder = new StringBuilder(128);
        foreach (var (key, value) in properties)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
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
