using System.Globalization;
using System.Text;

namespace EdgeSensorModule.HubConnection.Proxy;

/// <summary>
/// A TCP tunnel through an HTTP proxy (RFC 9110 CONNECT), as the SDKs open it for the WebSocket transports (the C SDK's
/// http_proxy_io: <c>CONNECT host:443 HTTP/1.1</c>, <c>Host</c>, optional <c>Proxy-Authorization: Basic</c>); TLS to
/// the hub then runs inside it, end to end. Every way the proxy can fail becomes one <see cref="HubException"/> naming
/// <c>Device__ProxyUri</c> or <c>Device__ProxyCredentialsPath</c>: proxy down is <see cref="HubErrorCode.Unreachable"/>
/// (retried soon), a refused CONNECT <see cref="HubErrorCode.ProxyRefused"/> (a setting to fix, retried slowly).
/// </summary>
internal sealed class ProxyTunnel(HttpProxy proxy) : ITcpDialer
{
    /// <inheritdoc />
    public async Task<Stream> DialAsync(string host, int port, CancellationToken cancellationToken)
    {
        var target = $"{host}:{port}";
        var stream = await DirectDialer.ConnectAsync(proxy.Uri.Host, proxy.Uri.Port, $"the proxy {proxy.Endpoint} (Device__ProxyUri)", cancellationToken);
        try
        {
            await stream.WriteAsync(Request(host, port), cancellationToken);
            var answer = await ReadAnswerAsync(stream, target, cancellationToken);
            return answer.StatusCode is >= 200 and < 300 ? stream : throw Refused(answer, target);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    byte[] Request(string host, int port)
    {
        var authority = (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"CONNECT {authority} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {authority}\r\n");
        if (proxy.Authorization is { } authorization)
        {
            request.Append(CultureInfo.InvariantCulture, $"Proxy-Authorization: {authorization}\r\n");
        }

        return Encoding.ASCII.GetBytes(request.Append("\r\n").ToString());
    }

    async Task<HttpResponseHead> ReadAnswerAsync(Stream stream, string target, CancellationToken cancellationToken)
    {
        try
        {
            return await HttpResponseHead.ReadAsync(stream, cancellationToken)
                ?? throw new HubException(HubErrorCode.ConnectionLost,
                    $"The proxy {proxy.Endpoint} (Device__ProxyUri) closed the connection instead of answering CONNECT {target}.");
        }
        catch (IOException ex)
        {
            throw new HubException(HubErrorCode.ConnectionLost, $"The connection to the proxy {proxy.Endpoint} (Device__ProxyUri) failed during CONNECT {target}: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new HubException(HubErrorCode.ProxyRefused,
                $"{proxy.Endpoint} (Device__ProxyUri) did not answer CONNECT like an HTTP proxy ({ex.Message}): check that Device__ProxyUri names an HTTP proxy.", ex);
        }
    }

    // Proxies answer a CONNECT without credentials with 407; wrong ones get 407 again, or 401 from tinyproxy.
    HubException Refused(HttpResponseHead answer, string target) => answer.StatusCode switch
    {
        401 or 407 when proxy.HasCredentials => new(HubErrorCode.ProxyRefused,
            $"The proxy {proxy.Endpoint} (Device__ProxyUri) refused the credentials in Device__ProxyCredentialsPath ({answer}): put the proxy's 'user:password' in that file."),
        401 or 407 => new(HubErrorCode.ProxyRefused,
            $"The proxy {proxy.Endpoint} (Device__ProxyUri) requires authentication ({answer}): set Device__ProxyCredentialsPath to a file holding 'user:password'."),
        403 or 405 => new(HubErrorCode.ProxyRefused,
            $"The proxy {proxy.Endpoint} (Device__ProxyUri) refused to open a tunnel to {target} ({answer}): allow CONNECT to port {target[(target.LastIndexOf(':') + 1)..]} of that host in the proxy's rules."),
        502 or 503 or 504 => new(HubErrorCode.Unreachable,
            $"The proxy {proxy.Endpoint} (Device__ProxyUri) could not reach {target} ({answer})."),
        _ => new(HubErrorCode.ProxyRefused,
            $"The proxy {proxy.Endpoint} (Device__ProxyUri) answered CONNECT {target} with {answer}."),
    };
}
