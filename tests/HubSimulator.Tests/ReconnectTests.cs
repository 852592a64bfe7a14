using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// A device whose network drops comes back: the module's reconnect resumes the TLS session (no certificates are sent
/// again), and the simulator, like IoT Hub, still accepts the CA-signed device on the chain it verified before.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class ReconnectTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Module_CaSignedDeviceAfterTheConnectionIsCutTwice_IsAcceptedAgainAndDelivers()
    {
        var device = hub.CaSignedDevice("resume-device");
        await using var link = NetworkLink.Start(hub.MqttPort);
        var environment = ModuleEnvironment.ForPfx(hub.Pki, device, "resume-device", link.Port, count: 100_000);
        environment["Telemetry__Interval"] = "00:00:00.100";
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        using var deadline = new CancellationTokenSource(Patience);
        var delivered = (await hub.Telemetry.WaitForAsync("resume-device", 10, deadline.Token)).Count; // session tickets have arrived

        for (var cut = 0; cut < 2; cut++)
        {
            link.Cut();
            link.Restore();
            var after = hub.Telemetry.WaitForAsync("resume-device", delivered + 5, deadline.Token);
            await Task.WhenAny(after);

            Assert.True(after.IsCompletedSuccessfully, string.Join('\n', hub.Logs.Lines.Where(l => l.Contains("'resume-device'", StringComparison.Ordinal))));
            delivered = (await after).Count;
        }
    }
}
