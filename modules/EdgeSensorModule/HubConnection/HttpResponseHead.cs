using System.Globalization;
using System.Text;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// The status line and headers of an HTTP/1.1 response, read byte by byte so that nothing after the blank line is
/// consumed: after a proxy's CONNECT answer the TLS handshake follows, after a WebSocket upgrade the frames.
/// </summary>
internal sealed class HttpResponseHead
{
    /// <summary>Longest head accepted; proxies and hubs answer with a few hundred bytes.</summary>
    public const int MaxBytes = 16 * 1024;

    readonly Dictionary<string, string> headers;

    HttpResponseHead(int statusCode, string reason, Dictionary<string, string> headers)
    {
        StatusCode = statusCode;
        Reason = reason;
        this.headers = headers;
    }

    /// <summary>The status code, e.g. 101 or 407.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase, e.g. "Proxy Authentication Required".</summary>
    public string Reason { get; }

    /// <summary>"407 Proxy Authentication Required".</summary>
    public override string ToString() => $"{StatusCode} {Reason}".TrimEnd();

    /// <summary>The header's value (names compared without case; repeated headers joined with ", "), or null.</summary>
    public string? this[string name] => headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Reads one response head; null when the connection ends before a complete one.</summary>
    /// <exception cref="FormatException">The bytes are not an HTTP/1.x response head.</exception>
    public static async Task<HttpResponseHead?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>(512);
        var one = new byte[1];
        while (!EndsWithBlankLine(bytes))
        {
            if (bytes.Count >= MaxBytes)
            {
                throw new FormatException($"the response head exceeds {MaxBytes} bytes");
            }

            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            bytes.Add(one[0]);
        }

        return Parse(Encoding.Latin1.GetString([.. bytes]));
    }

    static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';

    static HttpResponseHead Parse(string text)
    {
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw new FormatException($"'{lines[0]}' is not an HTTP/1.x status line");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"'{line}' is not an HTTP header");
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        return new HttpResponseHead(code, status.Length > 2 ? status[2] : "", headers);
    }
}
