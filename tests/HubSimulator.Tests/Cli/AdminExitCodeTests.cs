using HubSimulator.Cli;
using HubSimulator.Registry;
using TestInfrastructure;

namespace HubSimulator.Tests.Cli;

/// <summary>The admin verbs against a running simulator: its refusals are exit 1 with the hub's status and line.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class AdminExitCodeTests(SimulatorFixture hub) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task AdminVerb_HubRefuses_PrintsStatusAndLineAndExits1()
    {
        var (exitCode, output, error) = await CommandLineTests.RunAsync(["twin", "get", "--device", "never-registered", "--admin", hub.AdminUri.ToString()]);

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("404 Not Found: ", error, StringComparison.Ordinal);
        Assert.Contains("'never-registered' is not registered", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminVerb_HubAccepts_PrintsTheJsonAndExits0()
    {
        var (exitCode, output, _) = await CommandLineTests.RunAsync(["device", "add", "--id", "cli-added", "--admin", hub.AdminUri.ToString()]);

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Contains("\"deviceId\": \"cli-added\"", output, StringComparison.Ordinal);
        Assert.Equal(DeviceAuthentication.CaSigned, hub.Registry.FindDevice("cli-added")!.Authentication);
    }
}
