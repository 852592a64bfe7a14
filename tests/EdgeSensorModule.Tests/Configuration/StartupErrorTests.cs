using IotHub.Certificates;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Configuration;

/// <summary>
/// Setup mistakes stop the module process at once with exit code 2 and one line that names the setting and the fix,
/// with no stack trace and no secret.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class StartupErrorTests : IDisposable
{
    readonly TestPki pki = new();
    readonly DeviceFiles device;
    readonly Dictionary<string, string?> environment;

    public StartupErrorTests()
    {
        device = pki.IssueDevice("dev1");
        environment = ModuleEnvironment.ForPfx(pki, device, "dev1", FreePort.Next());
    }

    Task<string> FailingLineAsync() => ModuleEnvironment.SetupErrorLineAsync(environment);

    [Theory]
    [InlineData("Device__Id", null, "Device__Id is required: set it to the device id registered in IoT Hub (the certificate's CN).")]
    [InlineData("Device__HostName", "", "Device__HostName is required")]
    [InlineData("Device__HostName", "localhost:18883", "Device__HostName 'localhost:18883' carries a port: set Device__HostName=localhost and Device__Port=18883.")]
    [InlineData("Device__HostName", "mqtts://myhub.azure-devices.net", "Device__HostName 'mqtts://myhub.azure-devices.net' is a URL: give the host name only, without 'mqtts://'")]
    [InlineData("Device__GatewayHostName", "edge/gateway", "Device__GatewayHostName 'edge/gateway' is not a host name: use e.g. myhub.azure-devices.net (no scheme, port or path).")]
    [InlineData("Device__Transport", "Pigeon", "Device__Transport: 'Pigeon' is not a valid value: use one of Mqtt, MqttWebSocket, Amqp, AmqpWebSocket (by name).")]
    [InlineData("Device__Transport", "1", "Device__Transport: '1' is not a valid value: use one of Mqtt, MqttWebSocket, Amqp, AmqpWebSocket (by name).")]
    [InlineData("Sensor__Type", "99", "Sensor__Type: '99' is not a valid value: use one of Fake, Auto, Bme280, Bmp280, Sht3x, Sht4x, Shtc3, Si7021, Aht20 (by name).")]
    [InlineData("Device__Port", "70000", "Device__Port 70000 is not a TCP port")]
    [InlineData("Telemetry__MessageCount", "-1", "Telemetry__MessageCount -1 is negative: use 0 to run forever")]
    [InlineData("Alert__TemperatureThreshold", "hot", "Alert__TemperatureThreshold: 'hot' is not a valid number such as 30 or 30.5.")]
    [InlineData("Outbox__MaxBytes", "1000", "Outbox__MaxBytes 1000 is too small: use at least 262144 (256 KiB).")]
    [InlineData("Telemetry__Interval", "five seconds", "Telemetry__Interval: 'five seconds' is not a duration: write seconds (5), a number with a unit (500ms, 5s, 2m, 1h, 30d) or hh:mm:ss (00:00:05); allowed 0s to 1d.")]
    [InlineData("Telemetry__Interval", "60.00:00:00", "Telemetry__Interval 60.00:00:00 is out of range: use 0s to 1d.")]
    [InlineData("Device__ConnectTimeout", "10h", "Device__ConnectTimeout 10h is out of range: use 1s to 5m.")]
    [InlineData("Device__KeepAlive", "3600", "Device__KeepAlive 3600 is out of range: use 5s to 1177s.")]
    [InlineData("Telemetry__ShutdownTimeout", "00:05:00", "Telemetry__ShutdownTimeout 00:05:00 is out of range: use 1s to 1m.")]
    public async Task Start_BadSetting_StopsWithTheLineThatNamesIt(string setting, string? value, string expected)
    {
        environment[setting] = value;

        Assert.Contains(expected, await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CertificateFileMissing_NamesSettingAndPath()
    {
        environment["Device__CertificatePath"] = "/certs/missing.pfx";

        Assert.Contains("Device__CertificatePath: file '/certs/missing.pfx' does not exist", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CertificatePathIsADevice_SaysItIsNotARegularFile()
    {
        environment["Device__CertificatePath"] = "/dev/zero";

        Assert.Contains("Device__CertificatePath: '/dev/zero' is not a regular file (a device or pipe)", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PasswordFileIsADevice_SaysItIsNotARegularFile()
    {
        environment["Device__CertificatePassword"] = null;
        environment["Device__CertificatePasswordFile"] = "/dev/zero";

        Assert.Contains("Device__CertificatePasswordFile: '/dev/zero' is not a regular file (a device or pipe)", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PrivateKeyPathWithAPfx_SaysThePfxCarriesItsKey()
    {
        environment["Device__PrivateKeyPath"] = device.KeyPem;

        Assert.Contains($"Device__PrivateKeyPath: '{device.KeyPem}' is set, but '{device.Pfx}' is a PFX, which carries its own key", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_IntermediateCaAsTheDeviceCertificate_IsRefused()
    {
        var ca = pki.WriteDevice("ca-dev", pki.Own(CertificateFactory.CreateIntermediateCa(pki.RootCa, "ca-dev")), []);
        environment["Device__Id"] = "ca-dev";
        environment["Device__CertificatePath"] = ca.Pfx;

        Assert.Contains("is a CA certificate (basic constraints CA:true), not a device certificate", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WrongPassword_NamesThePasswordSettingAndNeverThePassword()
    {
        environment["Device__CertificatePassword"] = "12345";

        var line = await FailingLineAsync();

        Assert.Contains("Device__CertificatePassword: the password does not open the PFX", line, StringComparison.Ordinal);
        Assert.DoesNotContain("12345", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PemKeyOfAnotherCertificate_SaysTheKeyDoesNotMatch()
    {
        var other = pki.IssueDevice("other");
        environment["Device__CertificatePath"] = device.FullChainPem;
        environment["Device__PrivateKeyPath"] = other.KeyPem;
        environment["Device__CertificatePassword"] = null;

        Assert.Contains("does not match the certificate 'CN=dev1'; use the key the certificate was issued for.", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DeviceIdIsNotTheCertificateCn_SaysBoth()
    {
        environment["Device__Id"] = "dev2";

        Assert.Contains("Device__Id 'dev2' does not match the certificate's CN 'dev1'", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ExpiredCertificate_SaysWhenItExpired()
    {
        var expired = pki.IssueDevice("dev1-expired", new CertificateSpec(TimeSpan.FromDays(1), pki.KeyType, DateTimeOffset.UtcNow.AddDays(-3)));
        environment["Device__Id"] = "dev1-expired";
        environment["Device__CertificatePath"] = expired.Pfx;

        var line = await FailingLineAsync();

        Assert.Contains("Device__CertificatePath: the certificate 'CN=dev1-expired' expired on", line, StringComparison.Ordinal);
        Assert.Contains("issue a new device certificate", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_OutboxPathUnusable_NamesTheSettingAndTheFix()
    {
        var file = pki.Write("not-a-folder", "");
        environment["Outbox__Path"] = Path.Combine(file, "outbox");

        var line = await FailingLineAsync();

        Assert.Contains($"Outbox__Path: cannot use '{Path.Combine(file, "outbox")}': ", line, StringComparison.Ordinal);
        Assert.Contains("Set Outbox__Path to a writable folder (in a container, a volume mounted there).", line, StringComparison.Ordinal);
    }

    public void Dispose() => pki.Dispose();
}
