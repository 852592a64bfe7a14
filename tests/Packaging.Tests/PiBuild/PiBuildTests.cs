using System.Diagnostics;
using System.Globalization;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using TestInfrastructure;
using Xunit.Abstractions;

namespace Packaging.Tests.PiBuild;

/// <summary>The Raspberry Pi (linux-arm64) Native AOT build of the module, as its image holds it, run under qemu-user against a TLS mosquitto.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class PiBuildTests(Arm64Publish build, ITestOutputHelper output) : IClassFixture<Arm64Publish>
{
    const int Readings = 20;
    const string DeviceId = "pi-device";

    [Fact]
    public async Task Arm64AotImageFiles_UnderQemu_DeliverEveryReadingAndExit0()
    {
        var qemu = Qemu.FindAarch64();
        using var pki = new TestPki();
        await using var broker = await MosquittoBroker.StartAsync(pki);
        await using var monitor = await TelemetryMonitor.StartAsync(pki, broker.Port);
        var device = pki.IssueDevice(DeviceId);
        var outbox = Directory.CreateTempSubdirectory("esm-arm64-outbox-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["Device__Id"] = DeviceId,
            ["Device__HostName"] = "localhost",
            ["Device__Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Device__CertificatePath"] = device.FullChainPem,
            ["Device__PrivateKeyPath"] = device.KeyPem,
            ["Device__TrustBundlePath"] = pki.ServerCaPem,
            ["Sensor__Type"] = "Fake",
            ["Sensor__Seed"] = "7",
            ["Telemetry__MessageCount"] = Readings.ToString(CultureInfo.InvariantCulture),
            ["Telemetry__Interval"] = "00:00:00.010",
            ["Outbox__Path"] = outbox,
        };

        var watch = Stopwatch.StartNew();
        await using var module = ModuleProcess.StartExecutable(qemu, ["-L", "/", build.Executable], environment, build.Image);
        var exitCode = await module.WaitForExitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine($"publish {build.Duration.TotalSeconds:F1} s, {build.Size / 1e6:F1} MB; run under qemu {watch.Elapsed.TotalSeconds:F1} s");
        Directory.Delete(outbox, recursive: true);

        Assert.Equal(183, Qemu.ElfMachine(build.Executable));
        Assert.True(exitCode == 0, module.Output);
        var messages = await monitor.WaitForAsync(Readings, TimeSpan.FromSeconds(30));
        var bodies = messages.Select(m => TelemetryContract.ParseBody(m.Body)).ToList();
        Assert.Equal(Enumerable.Range(0, Readings).Select(i => (long)i), bodies.Select(b => b.MessageId).Order());
        Assert.All(messages, m => Assert.StartsWith(MqttTopics.DeviceTelemetryPrefix(DeviceId), m.Topic, StringComparison.Ordinal));
        Assert.All(messages.Zip(bodies), pair =>
        {
            Assert.Equal(DeviceId, pair.Second.DeviceId);
            Assert.Equal(TelemetryContract.ContentType, pair.First.SystemProperties[SystemProperties.ContentType]);
            Assert.Equal(pair.Second.Temperature > 30, TelemetryContract.ReadAlert(pair.First.ApplicationProperties));
        });
        Assert.Empty(monitor.Drain());
    }
}
