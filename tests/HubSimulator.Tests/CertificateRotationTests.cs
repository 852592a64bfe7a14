using System.Net;
using System.Text.Json.Nodes;
using HubSimulator.Registry;
using IotHub.Certificates;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// Certificate rotation end to end: the module sends at 20 readings/s while <c>cert renew</c> (the simulator's CLI, as
/// a user runs it) replaces its certificate and key; the simulator sees the new thumbprint after the module's own
/// reconnect, every reading arrives, and a corrupt replacement afterwards changes nothing.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class CertificateRotationTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Module_CertificateRenewedWhileSending_ReconnectsWithTheNewOneAndDeliversEveryReading()
    {
        const string id = "rotation-device";
        const int count = 1200; // a minute at 20 readings/s: the renewal and the corrupt file happen while it sends
        hub.Registry.AddDevice(id, DeviceAuthentication.CaSigned);
        var folder = Directory.CreateDirectory(Path.Combine(hub.Pki.Folder, $"rotation-{Guid.NewGuid():N}")).FullName;
        var name = Path.GetFileName(folder);
        hub.Pki.Write(PkiLayout.Certificate($"{name}/intermediate"), CertificateExport.ToPem(hub.Pki.IntermediateCa));
        CertificateExport.WritePrivateFile(Path.Combine(folder, "intermediate.key.pem"), System.Text.Encoding.ASCII.GetBytes(CertificateExport.PrivateKeyToPem(hub.Pki.IntermediateCa)));
        var device = hub.Pki.WriteDevice($"{name}/device",
            hub.Pki.Own(CertificateFactory.CreateDevice(hub.Pki.IntermediateCa, id, new CertificateSpec(TimeSpan.FromDays(20), hub.Pki.KeyType))), [hub.Pki.IntermediateCa]);
        var environment = ModuleEnvironment.ForPem(hub.Pki, device, id, hub.MqttPort, count);
        environment["Telemetry__Interval"] = "50ms";
        environment["Device__CertificateCheckInterval"] = "1s";
        using var admin = new HttpClient { BaseAddress = hub.AdminUri };
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        using var deadline = new CancellationTokenSource(Patience);
        await hub.Telemetry.WaitForAsync(id, 20, deadline.Token);
        var before = await ConnectedThumbprintAsync(admin, id);

        var renewal = await Peers.SimulatorCliAsync(folder, "cert", "renew", "--device", "device", "--issuer", "intermediate", "--days", "90", "--new-key");
        Assert.True(renewal.ExitCode == 0, renewal.Output);
        var renewed = CertificateSummary.Of(X509Load(device.CertificatePem)).Thumbprint;
        await module.WaitForLineAsync(l => l.Contains("Reconnecting to present the renewed certificate", StringComparison.Ordinal), Patience);
        var after = await WaitForThumbprintAsync(admin, id, renewed, deadline.Token);

        ReplaceByRename(device.FullChainPem, "-----BEGIN CERTIFICATE-----\ncorrupt\n-----END CERTIFICATE-----\n");
        await module.WaitForLineAsync(l => l.Contains("The changed certificate files are not used", StringComparison.Ordinal), Patience);
        var exitCode = await module.WaitForExitAsync(Patience);

        Assert.Equal(CertificateSummary.Of(device.Certificate).Thumbprint, before);
        Assert.Equal(renewed, after);
        Assert.NotEqual(before, after);
        Assert.True(exitCode == 0, module.Output);
        var arrived = hub.Telemetry.For(id).Select(m => m.Reading!.MessageId).ToHashSet();
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), arrived.Order());
        Assert.Single(module.Lines, l => l.Contains("The changed certificate files are not used", StringComparison.Ordinal));
        Assert.Single(module.Lines, l => l.Contains("Reconnecting to present the renewed certificate", StringComparison.Ordinal));
        Assert.Contains($"Device '{id}' authenticated", string.Join('\n', hub.Logs.Lines), StringComparison.Ordinal);
    }

    static System.Security.Cryptography.X509Certificates.X509Certificate2 X509Load(string pem) =>
        System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(pem));

    /// <summary>What a careful writer does: the whole new file beside the old one, then one rename.</summary>
    static void ReplaceByRename(string path, string content)
    {
        var staged = path + ".new";
        File.WriteAllText(staged, content);
        File.Move(staged, path, overwrite: true);
    }

    static async Task<string?> ConnectedThumbprintAsync(HttpClient admin, string id)
    {
        using var response = await admin.GetAsync(new Uri($"/devices/{id}/connection", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.NotFound ? null : (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["thumbprint"];
    }

    /// <summary>Polls the admin API (the simulator records the connection just after its CONNACK) until it shows <paramref name="expected"/>.</summary>
    static async Task<string?> WaitForThumbprintAsync(HttpClient admin, string id, string expected, CancellationToken deadline)
    {
        string? seen = null;
        while (!deadline.IsCancellationRequested && (seen = await ConnectedThumbprintAsync(admin, id)) != expected)
        {
            await Task.Delay(100, CancellationToken.None);
        }

        return seen;
    }
}
