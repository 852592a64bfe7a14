using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Configuration;

/// <summary><c>Device__HostName</c> takes a host name or address only; a URL or an endpoint is refused at start, not retried forever.</summary>
public class HostNameValidationTests
{
    static DeviceOptions Bind(string hostName)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Device:Id"] = "dev1",
            ["Device:HostName"] = hostName,
            ["Device:CertificatePath"] = "/certs/dev1.pfx",
        };
        using var provider = new ServiceCollection().AddModuleOptions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<DeviceOptions>>().Value;
    }

    [Theory]
    [InlineData("myhub.azure-devices.net")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("edge_gateway")]
    public void Validate_HostNameOrAddress_IsAccepted(string hostName) => Assert.Equal(hostName, Bind(hostName).HostName);

    [Theory]
    [InlineData("localhost:18883", "Device__HostName 'localhost:18883' carries a port: set Device__HostName=localhost and Device__Port=18883.")]
    [InlineData("mqtts://myhub.azure-devices.net", "Device__HostName 'mqtts://myhub.azure-devices.net' is a URL: give the host name only, without 'mqtts://' (the transport is Device__Transport, the port Device__Port).")]
    [InlineData("myhub.azure-devices.net/devices", "Device__HostName 'myhub.azure-devices.net/devices' is not a host name: use e.g. myhub.azure-devices.net (no scheme, port or path).")]
    public void Validate_UrlOrEndpoint_IsRefusedSayingWhatToWrite(string hostName, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(hostName));

        Assert.Equal(expected, Assert.Single(error.Failures));
    }
}
