using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using HubSimulator.Admin;
using HubSimulator.Registry;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// The simulator process as an operator meets it: what it binds, what it does with connections that never speak TLS,
/// how it refuses to start (one line naming the setting, exit 2), and what survives a restart.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class StartupTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("hubsim-start-").FullName;

    [Fact]
    public async Task Mqtt_BoundTo127001_IsNotReachableOnIpv6Loopback()
    {
        var settings = SimulatorProcess.Settings(folder);
        settings["Simulator__BindAddress"] = "127.0.0.1";
        await using var simulator = await SimulatorProcess.StartAsync(settings);
        using var client = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);

        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.IPv6Loopback, simulator.MqttPort));

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Run_Started_PrintsTheModulesDeviceSettings()
    {
        var settings = SimulatorProcess.Settings(folder);
        await using var simulator = await SimulatorProcess.StartAsync(settings);

        var line = await simulator.Process.WaitForLineAsync(l => l.Contains("Device__HostName=localhost", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        Assert.Contains($"Device__Port={simulator.MqttPort}", line, StringComparison.Ordinal);
        Assert.Contains($"Device__TrustBundlePath={Path.Combine(folder, "server-ca.pem")}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mqtt_TcpConnectionThatNeverStartsTls_IsClosedAfterTheHandshakeTimeout()
    {
        var settings = SimulatorProcess.Settings(folder);
        settings["Simulator__HandshakeTimeout"] = "00:00:01";
        await using var simulator = await SimulatorProcess.StartAsync(settings);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, simulator.MqttPort);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var read = await client.ReceiveAsync(new byte[16], SocketFlags.None, patience.Token);

        Assert.Equal(0, read);
        await simulator.Process.WaitForLineAsync(l => l.Contains("no TLS handshake within 1 s", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("Simulator__MqttPort")]
    [InlineData("Simulator__AdminPort")]
    public async Task Run_PortInUse_RefusedWithOneLineNamingTheSettingAndExit2(string setting)
    {
        var settings = SimulatorProcess.Settings(folder);
        using var busy = new TcpListener(IPAddress.Loopback, int.Parse(settings[setting]!, System.Globalization.CultureInfo.InvariantCulture));
        busy.Start();

        var (exitCode, lines) = await SimulatorProcess.RefusedAsync(settings);

        Assert.Equal(2, exitCode);
        Assert.Contains(setting, Assert.Single(lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_WithoutAStateFileSetting_SurvivesARestartInTheDataFolder()
    {
        var settings = SimulatorProcess.Settings(folder);
        await using (var first = await SimulatorProcess.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = first.AdminUri };
            using var added = await http.PostAsJsonAsync("/devices", new AddDeviceRequest("kept-device", DeviceAuthentication.CaSigned));
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        await using var second = await SimulatorProcess.StartAsync(settings);
        using var again = new HttpClient { BaseAddress = second.AdminUri };
        var devices = await again.GetFromJsonAsync<List<DeviceRecord>>("/devices");

        Assert.Equal("kept-device", Assert.Single(devices!).DeviceId);
    }

    [Fact]
    public async Task Init_OverAStateMadeWithAnotherRoot_RefusedWithOneLineAndExit2()
    {
        var other = Path.Combine(folder, "other");
        var target = Path.Combine(folder, "target");
        Assert.Equal(0, (await Peers.SimulatorCliAsync(folder, "init", "--out", other)).ExitCode);
        Assert.Equal(0, (await Peers.SimulatorCliAsync(folder, "init", "--out", target)).ExitCode);
        File.Copy(Path.Combine(other, "state.json"), Path.Combine(target, "state.json"), overwrite: true);

        var result = await Peers.SimulatorCliAsync(folder, "init", "--out", target);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.StartsWith("reused", StringComparison.Ordinal));
        Assert.Contains("state.json", line, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
