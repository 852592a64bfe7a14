using System.Net;
using System.Net.Http.Headers;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>The admin side beyond loopback: refused without a token; with one, every request must present it.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class AdminTokenTests : IDisposable
{
    const string Token = "0123456789abcdef0123456789abcdef";

    readonly string folder = Directory.CreateTempSubdirectory("hubsim-token-").FullName;

    [Fact]
    public async Task Run_BoundBeyondLoopbackWithoutAToken_RefusedWithOneLineAndExit2()
    {
        var settings = SimulatorProcess.Settings(folder);
        settings["Simulator__BindAddress"] = "0.0.0.0";

        var (exitCode, lines) = await SimulatorProcess.RefusedAsync(settings);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(lines);
        Assert.Contains("Simulator__AdminToken", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminApi_BoundBeyondLoopbackWithAToken_401WithoutIt200WithIt()
    {
        var settings = SimulatorProcess.Settings(folder);
        settings["Simulator__BindAddress"] = "0.0.0.0";
        settings["Simulator__AdminToken"] = Token;
        await using var simulator = await SimulatorProcess.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = simulator.AdminUri };

        using var without = await http.GetAsync(new Uri("/devices", UriKind.Relative));
        using var wrong = await SendAsync(http, "/devices", Token.ToUpperInvariant());
        using var with = await SendAsync(http, "/devices", Token);
        using var page = await SendAsync(http, "/", null);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
    }

    [Fact]
    public async Task AdminVerb_WithTheTokenOption_IsServed()
    {
        var settings = SimulatorProcess.Settings(folder);
        settings["Simulator__AdminToken"] = Token;
        await using var simulator = await SimulatorProcess.StartAsync(settings);

        var refused = await Peers.SimulatorCliAsync(folder, "device", "list", "--admin", simulator.AdminUri.ToString());
        var served = await Peers.SimulatorCliAsync(folder, "device", "list", "--admin", simulator.AdminUri.ToString(), "--token", Token);

        Assert.Equal(1, refused.ExitCode);
        Assert.True(served.ExitCode == 0, served.Output);
    }

    static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
