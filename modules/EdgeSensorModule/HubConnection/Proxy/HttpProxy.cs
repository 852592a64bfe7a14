using System.Text;
using EdgeSensorModule.Configuration;
using IotHub.Certificates;

namespace EdgeSensorModule.HubConnection.Proxy;

/// <summary>
/// The HTTP proxy the WebSocket transports tunnel through (<c>Device__ProxyUri</c>), with its Basic credentials from
/// <c>Device__ProxyCredentialsPath</c>. The credentials are kept only as the header value they become, and are never
/// part of a message or a log line.
/// </summary>
public sealed class HttpProxy
{
    HttpProxy(Uri uri, string? authorization)
    {
        Uri = uri;
        Authorization = authorization;
    }

    /// <summary>The proxy, e.g. <c>http://proxy:3128</c>.</summary>
    public Uri Uri { get; }

    /// <summary><c>host:port</c> of the proxy, for messages.</summary>
    public string Endpoint => $"{Uri.Host}:{Uri.Port}";

    /// <summary>The <c>Proxy-Authorization</c> header value (<c>Basic base64(user:password)</c>), or null.</summary>
    internal string? Authorization { get; }

    /// <summary>True when credentials were given.</summary>
    public bool HasCredentials => Authorization is not null;

    /// <summary>The configured proxy, or null when <c>Device__ProxyUri</c> is unset (the settings are validated before).</summary>
    /// <exception cref="SettingException">The credentials file's first line is not <c>user:password</c>.</exception>
    /// <exception cref="CertificateException">The credentials file cannot be read (it names the setting).</exception>
    public static HttpProxy? Load(DeviceOptions device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (string.IsNullOrWhiteSpace(device.ProxyUri))
        {
            return null;
        }

        string? authorization = null;
        if (!string.IsNullOrWhiteSpace(device.ProxyCredentialsPath))
        {
            var line = PasswordFile.ReadFirstLine(device.ProxyCredentialsPath, "Device__ProxyCredentialsPath");
            if (line.IndexOf(':', StringComparison.Ordinal) <= 0)
            {
                throw new SettingException(
                    $"Device__ProxyCredentialsPath: the first line of '{device.ProxyCredentialsPath}' is not 'user:password' (the proxy's Basic credentials); write it in that form.");
            }

            authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(line));
        }

        return new HttpProxy(new Uri(device.ProxyUri), authorization);
    }
}

/// <summary>The proxy setting as a service (a null proxy is a valid answer: none configured).</summary>
/// <param name="Proxy">The proxy, or null.</param>
public sealed record ProxySetting(HttpProxy? Proxy);
