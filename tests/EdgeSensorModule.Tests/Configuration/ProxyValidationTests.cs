using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Configuration;

/// <summary><c>Device__ProxyUri</c> and <c>Device__ProxyCredentialsPath</c>: a mistake stops the module with one line, credentials never echoed.</summary>
public class ProxyValidationTests
{
    static DeviceOptions Bind(string transport, string? proxyUri, string? credentialsPath = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Device:Id"] = "dev1",
            ["Device:HostName"] = "myhub.azure-devices.net",
            ["Device:CertificatePath"] = "/certs/dev1.pfx",
            ["Device:Transport"] = transport,
            ["Device:ProxyUri"] = proxyUri,
            ["Device:ProxyCredentialsPath"] = credentialsPath,
        };
        using var provider = new ServiceCollection().AddModuleOptions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<DeviceOptions>>().Value;
    }

    [Theory]
    [InlineData("MqttWebSocket", "http://proxy:3128")]
    [InlineData("MqttWebSocket", "http://10.0.0.1:8080/")]
    [InlineData("MqttWebSocket", "http://proxy")]
    [InlineData("AmqpWebSocket", "http://proxy:3128")]
    public void Validate_HttpProxyWithWebSocketTransport_IsAccepted(string transport, string proxyUri) =>
        Assert.Equal(proxyUri, Bind(transport, proxyUri, "/run/secrets/proxy").ProxyUri);

    [Theory]
    [InlineData("proxy:3128", "Device__ProxyUri 'proxy:3128' is not an HTTP proxy URL: use http://host:port, e.g. http://proxy:3128.")]
    [InlineData("https://proxy:3128", "Device__ProxyUri 'https://proxy:3128' is not an HTTP proxy URL: use http://host:port, e.g. http://proxy:3128.")]
    [InlineData("http://proxy:3128/path", "Device__ProxyUri 'http://proxy:3128/path' has a path: give the proxy as http://host:port only.")]
    [InlineData("http://alice:s3cret@proxy:3128", "Device__ProxyUri 'http://***@proxy:3128' carries credentials: remove them and put 'user:password' in a file named by Device__ProxyCredentialsPath.")]
    public void Validate_NotAnHttpProxyUrl_IsRefusedSayingWhatToWrite(string proxyUri, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("MqttWebSocket", proxyUri));

        Assert.Equal(expected, Assert.Single(error.Failures));
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mqtt")]
    [InlineData("Amqp")]
    public void Validate_ProxyWithATransportOverTls_IsRefusedNamingTheWebSocketTransports(string transport)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(transport, "http://proxy:3128"));

        Assert.Equal(
            $"Device__ProxyUri is set but Device__Transport is {transport}: only the WebSocket transports go through a proxy; set Device__Transport=MqttWebSocket or AmqpWebSocket, or unset Device__ProxyUri.",
            Assert.Single(error.Failures));
    }

    [Fact]
    public void Validate_CredentialsWithoutProxy_IsRefused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("MqttWebSocket", null, "/run/secrets/proxy"));

        Assert.StartsWith("Device__ProxyCredentialsPath is set without Device__ProxyUri", Assert.Single(error.Failures), StringComparison.Ordinal);
    }
}
