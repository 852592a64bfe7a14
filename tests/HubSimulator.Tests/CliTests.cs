using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IotHub.Protocol;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// The simulator's CLI as a user runs it: the certificate tool's files accepted by openssl and mosquitto, the portal's
/// CA steps through the admin verbs, and the demo.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class CliTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>, IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("hubsim-cli-").FullName;

    [Fact]
    public async Task CertTool_RootIntermediateDevice_AcceptedByOpensslVerify()
    {
        await CliAsync("cert", "root", "--cn", "CLI Root", "--out", "root", "--key", "EcdsaP256");
        await CliAsync("cert", "intermediate", "--issuer", "root", "--cn", "CLI Intermediate", "--out", "intermediate", "--key", "Rsa2048");
        await CliAsync("cert", "device", "--issuer", "intermediate", "--id", "cli-device", "--out", "cli-device", "--password", "secret");

        var openssl = await ExternalProcess.RunAsync("openssl", "apt-get install -y openssl",
            ["verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "cli-device.pem"], TimeSpan.FromSeconds(20), folder);
        var inspect = await CliAsync("cert", "inspect", "cli-device-full-chain.pem", "--ca", "root.pem");

        Assert.True(openssl.ExitCode == 0 && openssl.Output.Contains("cli-device.pem: OK", StringComparison.Ordinal), openssl.Output);
        Assert.Contains("chains to root.pem: yes (CLI Root <- CLI Intermediate <- cli-device)", inspect, StringComparison.Ordinal);
        Assert.Contains("SHA-256", inspect, StringComparison.Ordinal);
        using var device = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(folder, "cli-device.pfx"), "secret");
        Assert.Equal("cli-device", device.GetNameInfo(X509NameType.SimpleName, false));
        Assert.InRange((device.NotAfter - DateTime.Now).TotalDays, 360, 366); // the default: no 30-day surprise
    }

    [Fact]
    public async Task AdminVerbs_PortalCaStepsThenMosquittoPubWithCertToolFiles_MessageListedForTheDevice()
    {
        await CliAsync("cert", "root", "--cn", "Portal Root", "--out", "portal-root");
        await CliAsync("cert", "device", "--issuer", "portal-root", "--id", "portal-device", "--out", "portal-device");
        var admin = $"http://127.0.0.1:{hub.AdminPort}";

        var added = await CliAsync("ca", "add", "--name", "portal-root", "--cert", "portal-root.pem", "--admin", admin);
        var code = (string)JsonNode.Parse(await CliAsync("ca", "code", "--name", "portal-root", "--admin", admin))!["verificationCode"]!;
        await CliAsync("cert", "verification", "--ca", "portal-root", "--code", code, "--out", "proof");
        var verified = await CliAsync("ca", "verify", "--name", "portal-root", "--cert", "proof.pem", "--admin", admin);
        await CliAsync("device", "add", "--id", "portal-device", "--admin", admin);
        var published = await MosquittoPub.PublishAsync(hub.MqttPort, hub.Pki.ServerCaPem, Path.Combine(folder, "portal-device-full-chain.pem"),
            Path.Combine(folder, "portal-device.key.pem"), "portal-device", MqttConnectionIdentity.Username("localhost", "portal-device", "cli"),
            MqttTopics.DeviceTelemetry("portal-device", "%24.mid=p1&temperatureAlert=false"), """{"deviceId":"portal-device","messageId":0,"temperature":21.5,"timestamp":"2026-01-01T00:00:00Z"}""");
        var messages = await CliAsync("messages", "--device", "portal-device", "--admin", admin);

        Assert.Contains("\"status\": \"Unverified\"", added, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"Verified\"", verified, StringComparison.Ordinal);
        Assert.True(published.ExitCode == 0, published.Output);
        var list = JsonNode.Parse(messages)!.AsArray();
        Assert.Equal(21.5, (double?)Assert.Single(list)!["reading"]!["temperature"]);
        Assert.False((bool?)list[0]!["temperatureAlert"]);
    }

    [Fact]
    public async Task AdminVerbs_VerificationCertificateFromAnotherKey_IsRefusedWithTheReason()
    {
        await CliAsync("cert", "root", "--cn", "Claimed Root", "--out", "claimed");
        await CliAsync("cert", "root", "--cn", "Claimed Root", "--out", "impostor");
        var admin = $"http://127.0.0.1:{hub.AdminPort}";
        await CliAsync("ca", "add", "--name", "claimed", "--cert", "claimed.pem", "--admin", admin);
        var code = (string)JsonNode.Parse(await CliAsync("ca", "code", "--name", "claimed", "--admin", admin))!["verificationCode"]!;
        await CliAsync("cert", "verification", "--ca", "impostor", "--code", code, "--out", "bad-proof");

        var result = await Peers.SimulatorCliAsync(folder, "ca", "verify", "--name", "claimed", "--cert", "bad-proof.pem", "--admin", admin);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not signed by CA 'claimed'", result.Output, StringComparison.Ordinal);
        Assert.Equal(HubSimulator.Registry.CaStatus.Unverified, hub.Registry.CertificateAuthorities().Single(c => c.Name == "claimed").Status);
    }

    [Fact]
    public async Task Demo_FreshFolder_PrintsFiveReceivedMessagesWithAlertFlagsAndExits0()
    {
        var result = await Peers.SimulatorCliAsync(folder, "demo", "--folder", Path.Combine(folder, "demo"));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("[0/6] building the module", result.Output, StringComparison.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains($"demo-device  #{i}  temperature", result.Output, StringComparison.Ordinal);
        }

        Assert.Contains("Verified", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"5 messages from 'demo-device', \d with temperatureAlert=true; 5 of 5 decoded with the alert matching the temperature", result.Output);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(folder, "demo", "messages.jsonl")).Length);
    }

    [Fact]
    public async Task Demo_RunAgainInTheSameFolder_ReusesItsStateAndDeliversAgain()
    {
        var demoFolder = Path.Combine(folder, "demo-again");
        var first = await Peers.SimulatorCliAsync(folder, "demo", "--folder", demoFolder, "--count", "2");
        Assert.True(first.ExitCode == 0, first.Output);

        var second = await Peers.SimulatorCliAsync(folder, "demo", "--folder", demoFolder, "--count", "2");

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("reused", second.Output, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(demoFolder, "messages.jsonl")).Length);
    }

    [Fact]
    public async Task Demo_Provisioning_EnrollsTheCaAndTheModuleProvisionsItselfAndDelivers()
    {
        var demoFolder = Path.Combine(folder, "demo-dps");

        var result = await Peers.SimulatorCliAsync(folder, "demo", "--folder", demoFolder, "--count", "2", "--provisioning");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("enrollment group 'demo-fleet'", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(demoFolder, "messages.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(demoFolder, "outbox", "dps-assignment.json")), result.Output);
    }

    [Fact]
    public void Simulator_Assembly_DoesNotReferenceTheModuleItTests()
    {
        var references = typeof(HubSimulator.Hosting.SimulatorApp).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain("EdgeSensorModule", references);
    }

    async Task<string> CliAsync(params string[] arguments)
    {
        var result = await Peers.SimulatorCliAsync(folder, arguments);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', arguments)} -> {result.ExitCode}\n{result.Output}");
        return result.Output;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
