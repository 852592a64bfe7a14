using System.Text;
using IotHub.Certificates;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>The module process against a real TLS mosquitto configured like IoT Hub's MQTT endpoint.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class MqttDeliveryTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    TestPki Pki => fixture.Pki;

    int Port => fixture.Broker.Port;

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public async Task Module_IdentityFile_DeliversExactlyFiftyMessagesAndExits0(string format)
    {
        await using var monitor = await TelemetryMonitor.StartAsync(Pki, Port);
        var deviceId = $"{format}-device";
        var device = Pki.IssueDevice(deviceId);
        var environment = format == "pfx"
            ? ModuleEnvironment.ForPfx(Pki, device, deviceId, Port, count: 50)
            : ModuleEnvironment.ForPem(Pki, device, deviceId, Port, count: 50);

        var (exitCode, module) = await ModuleEnvironment.RunAsync(environment);

        Assert.True(exitCode == 0, module.Output);
        AssertContract(deviceId, 50, await monitor.WaitForAsync(50, Patience));
        Assert.Empty(monitor.Drain());
    }

    /// <summary>
    /// A plain broker whose ACL lets a device write only its telemetry topic: mosquitto closes the connection on a
    /// denied publish, so the twin GET costs a reconnect. After two in a row the module stops asking for a while.
    /// </summary>
    [Fact]
    public async Task Module_PlainBrokerClosesOnTwinRequests_StillDeliversEveryReadingAndStopsAsking()
    {
        await using var plain = await MosquittoBroker.StartAsync(Pki);
        await using var monitor = await TelemetryMonitor.StartAsync(Pki, plain.Port);
        var device = Pki.IssueDevice("twinless-device");
        var environment = ModuleEnvironment.ForPfx(Pki, device, "twinless-device", plain.Port, count: 400);
        environment["Device__OperationTimeout"] = "00:00:01";

        var (exitCode, module) = await ModuleEnvironment.RunAsync(environment);

        Assert.True(exitCode == 0, module.Output);
        // The broker's closes make the module resend what was in flight (at least once): duplicates are allowed, identical.
        var received = new List<ReceivedTelemetry>(await monitor.WaitForAsync(400, Patience));
        while (received.Select(m => m.SystemProperties[SystemProperties.MessageId]).Distinct().Count() < 400)
        {
            received.AddRange(await monitor.WaitForAsync(1, Patience));
        }

        Assert.All(received.GroupBy(m => m.SystemProperties[SystemProperties.MessageId]), copies => Assert.Single(copies.Select(m => Convert.ToHexString(m.Body.ToArray())).Distinct()));
        AssertContract("twinless-device", 400, received.DistinctBy(m => m.SystemProperties[SystemProperties.MessageId]).ToList());
        Assert.Single(module.Lines, l => l.Contains("twin requests pause for", StringComparison.Ordinal));
        Assert.True(module.Lines.Count(l => l.Contains("Connection to", StringComparison.Ordinal) && l.Contains(" lost ", StringComparison.Ordinal)) <= 2, module.Output);
    }

    [Fact]
    public async Task Module_PasswordFromFile_Connects()
    {
        await using var monitor = await TelemetryMonitor.StartAsync(Pki, Port);
        var device = Pki.IssueDevice("password-file-device");
        var environment = ModuleEnvironment.ForPfx(Pki, device, "password-file-device", Port, count: 1);
        environment["Device__CertificatePassword"] = null;
        environment["Device__CertificatePasswordFile"] = Pki.Write("pfx-password.txt", TestPki.PfxPassword + "\n");

        var (exitCode, module) = await ModuleEnvironment.RunAsync(environment);

        Assert.True(exitCode == 0, module.Output);
        Assert.Single(await monitor.WaitForAsync(1, Patience));
    }

    [Fact]
    public async Task Module_CertificateFromAnotherCa_IsRefusedWithAClearError()
    {
        await using var monitor = await TelemetryMonitor.StartAsync(Pki, Port);
        using var otherRoot = CertificateFactory.CreateRootCa("Unverified Root", new CertificateSpec(TimeSpan.FromDays(1), KeyType.EcdsaP256));
        var device = Pki.WriteDevice("stranger", Pki.Own(CertificateFactory.CreateDevice(otherRoot, "stranger", new CertificateSpec(TimeSpan.FromDays(1), KeyType.EcdsaP256))), []);
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, ModuleEnvironment.ForPem(Pki, device, "stranger", Port));

        var line = await module.WaitForLineAsync(l => l.Contains("ClientCertificateRejected", StringComparison.Ordinal), Patience);

        Assert.Contains($"The server at localhost:{Port} refused this device's certificate in the TLS handshake (TLS alert 48 unknown_ca)", line, StringComparison.Ordinal);
        Assert.Contains("5 readings kept", line, StringComparison.Ordinal);
        Assert.Empty(monitor.Drain());
    }

    [Fact]
    public async Task Module_LeafWithoutItsIntermediate_IsRefusedLikeIotHubRefusesIt()
    {
        var device = Pki.IssueDevice("leaf-only");
        var environment = ModuleEnvironment.ForPem(Pki, device, "leaf-only", Port);
        environment["Device__CertificatePath"] = device.CertificatePem;
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("ClientCertificateRejected", StringComparison.Ordinal), Patience);

        Assert.Contains("keep the intermediates in the certificate file", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_ServerCertificateNotInTrustBundle_SaysTheServerIsNotTrusted()
    {
        var device = Pki.IssueDevice("wary-device");
        var environment = ModuleEnvironment.ForPfx(Pki, device, "wary-device", Port);
        environment["Device__TrustBundlePath"] = Pki.RootCaPem; // the device CA, not the CA that issued the server certificate
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);

        var line = await module.WaitForLineAsync(l => l.Contains("ServerCertificateUntrusted", StringComparison.Ordinal), Patience);

        var expected = $"The server at localhost:{Port} is not trusted: the chain stops at 'CN=localhost', whose issuer 'CN=EdgeSensor Test Server CA' was neither sent nor trusted; "
            + "Device__TrustBundlePath must hold the root CA that issued the server's certificate.";
        Assert.True(line.Contains(expected, StringComparison.Ordinal), line);
    }

    [Fact]
    public async Task Module_NothingListening_SaysConnectionRefusedAndKeepsRetrying()
    {
        var device = Pki.IssueDevice("patient-device");
        var closedPort = FreePort.Next();
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, ModuleEnvironment.ForPfx(Pki, device, "patient-device", closedPort));
        static bool Refused(string line) => line.Contains("Unreachable", StringComparison.Ordinal);

        var first = await module.WaitForLineAsync(Refused, Patience);
        await module.WaitForLineAsync(Refused, Patience);

        Assert.Contains($"Cannot reach localhost:{closedPort}: connection refused (nothing listens on that port).", first, StringComparison.Ordinal);
        Assert.DoesNotContain(module.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Module_CertificateNotYetValid_WaitsForTheClockInsteadOfExiting()
    {
        var device = Pki.IssueDevice("future-device", new CertificateSpec(TimeSpan.FromDays(10), Pki.KeyType, DateTimeOffset.UtcNow.AddDays(2)));
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, ModuleEnvironment.ForPfx(Pki, device, "future-device", Port));

        var line = await module.WaitForLineAsync(l => l.Contains("is not valid before", StringComparison.Ordinal), Patience);

        Assert.Contains("wait for time synchronisation (NTP)", line, StringComparison.Ordinal);
        Assert.Contains("Checking again in", line, StringComparison.Ordinal);
    }

    internal static void AssertContract(string deviceId, int count, IReadOnlyList<ReceivedTelemetry> messages)
    {
        Assert.All(messages, m => Assert.StartsWith(MqttTopics.DeviceTelemetryPrefix(deviceId), m.Topic, StringComparison.Ordinal));
        var bodies = messages.Select(m => TelemetryContract.ParseBody(m.Body)).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), bodies.Select(b => b.MessageId).Order());
        Assert.All(bodies, b => Assert.Equal(deviceId, b.DeviceId));
        Assert.Equal(count, messages.Select(m => m.SystemProperties[SystemProperties.MessageId]).Distinct().Count());
        foreach (var (message, body) in messages.Zip(bodies))
        {
            Assert.Equal(TelemetryContract.ContentType, message.SystemProperties[SystemProperties.ContentType]);
            Assert.Equal(TelemetryContract.ContentEncoding, message.SystemProperties[SystemProperties.ContentEncoding]);
            Assert.Equal(body.Timestamp, DateTimeOffset.Parse(message.SystemProperties[SystemProperties.CreationTimeUtc], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(body.Temperature > 30, TelemetryContract.ReadAlert(message.ApplicationProperties));
            Assert.InRange(body.Humidity!.Value, 60, 80);
            Assert.Equal(TimeSpan.Zero, body.Timestamp.Offset);
            Assert.StartsWith("{\"deviceId\":", Encoding.UTF8.GetString(message.Body), StringComparison.Ordinal);
        }
    }
}
