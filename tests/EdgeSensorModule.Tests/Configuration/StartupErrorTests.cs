using IotHub.Certificates;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Configuration;

/// <summary>
/// Setup mistakes stop the module process at once with exit code 2 and one line that names the setting and the fix,
/// with no stack trace and no secret.
/// </summary>
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

    [Fact]
    public async Task Start_NoDeviceId_NamesTheSetting()
    {
        environment["Device__Id"] = null;

        Assert.Contains("Device__Id is required: set it to the device id registered in IoT Hub (the certificate's CN).", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoHostName_NamesTheSetting()
    {
        environment["Device__HostName"] = "";

        Assert.Contains("Device__HostName is required", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_IntervalNotADuration_SaysHowToWriteOne()
    {
        environment["Telemetry__Interval"] = "five seconds";

        Assert.Contains("Telemetry__Interval: 'five seconds' is not a valid duration: use hh:mm:ss such as 00:00:05.", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownTransport_ListsTheTransports()
    {
        environment["Device__Transport"] = "Pigeon";

        Assert.Contains("Device__Transport: 'Pigeon' is not a valid transport: use one of Mqtt, MqttWebSocket, Amqp, AmqpWebSocket.", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PortOutOfRange_SaysTheRange()
    {
        environment["Device__Port"] = "70000";

        Assert.Contains("Device__Port 70000 is not a TCP port", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NegativeMessageCount_SaysWhatZeroMeans()
    {
        environment["Telemetry__MessageCount"] = "-1";

        Assert.Contains("Telemetry__MessageCount -1 is negative: use 0 to run forever", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ThresholdNotANumber_NamesTheSetting()
    {
        environment["Alert__TemperatureThreshold"] = "hot";

        Assert.Contains("Alert__TemperatureThreshold: 'hot' is not a valid number such as 30 or 30.5.", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CertificateFileMissing_NamesSettingAndPath()
    {
        environment["Device__CertificatePath"] = "/certs/missing.pfx";

        Assert.Contains("Device__CertificatePath: file '/certs/missing.pfx' does not exist", await FailingLineAsync(), StringComparison.Ordinal);
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

    [Fact]
    public async Task Start_OutboxMaxBytesTooSmall_SaysTheMinimum()
    {
        environment["Outbox__MaxBytes"] = "1000";

        Assert.Contains("Outbox__MaxBytes 1000 is too small: use at least 262144 (256 KiB).", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ShutdownTimeoutBeyondAMinute_SaysTheRange()
    {
        environment["Telemetry__ShutdownTimeout"] = "00:05:00";

        Assert.Contains("Telemetry__ShutdownTimeout 00:05:00 is out of range", await FailingLineAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => pki.Dispose();
}
