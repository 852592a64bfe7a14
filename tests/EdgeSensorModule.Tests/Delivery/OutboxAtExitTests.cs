using System.Globalization;
using System.Text.RegularExpressions;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Delivery;

/// <summary>
/// The module process, hub unreachable, stopped with SIGTERM: the readings the outbox says it keeps for the next start
/// are exactly those the next start finds, whatever happened to the disk or the folder meanwhile.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed partial class OutboxAtExitTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    readonly TestPki pki = new();

    [Fact]
    public async Task Module_DiskFullAtSigterm_KeepsExactlyWhatItSays()
    {
        using var disk = TinyDisk.Mount(64);
        await using var hub = await FaultyHub.StartAsync(pki, brokerUp: true, linkUp: false);
        var environment = Module("full-at-exit", hub.Link.Port, disk.Folder);
        await using var first = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await first.WaitForLineAsync(l => l.Contains("cannot write reading", StringComparison.Ordinal), Patience);

        var (kept, lost, comeBack) = await StopAndStartAgainAsync(first, environment);

        Assert.True(lost > 0, first.Output);
        Assert.Equal(kept, comeBack);
    }

    [Fact]
    public async Task Module_OutboxFolderDeletedWhileRunning_KeepsExactlyWhatItSays()
    {
        await using var hub = await FaultyHub.StartAsync(pki, brokerUp: true, linkUp: false);
        var folder = ModuleEnvironment.NewOutboxFolder(pki);
        var environment = Module("deleted-folder", hub.Link.Port, folder);
        await using var first = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await first.WaitForLineAsync(l => l.Contains("Sampling ", StringComparison.Ordinal), Patience);

        Directory.Delete(folder, recursive: true);
        await first.WaitForLineAsync(l => l.Contains("was deleted while the module ran; created it again", StringComparison.Ordinal), Patience);
        var (kept, _, comeBack) = await StopAndStartAgainAsync(first, environment);

        Assert.True(kept > 0, first.Output);
        Assert.Equal(kept, comeBack);
    }

    Dictionary<string, string?> Module(string deviceId, int port, string outbox)
    {
        var environment = ModuleEnvironment.ForPfx(pki, pki.IssueDevice(deviceId), deviceId, port, count: 0);
        environment["Telemetry__Interval"] = "00:00:00.010";
        environment["Outbox__Path"] = outbox;
        return environment;
    }

    /// <summary>SIGTERM; what the closing line says is kept and lost; how many readings the next start finds pending.</summary>
    static async Task<(int Kept, int Lost, int ComeBack)> StopAndStartAgainAsync(ModuleProcess first, Dictionary<string, string?> environment)
    {
        first.Terminate();
        Assert.True(await first.WaitForExitAsync(Patience) == 0, first.Output);
        var closed = ClosedLine().Match(Assert.Single(first.Lines, l => l.Contains("Outbox closed: ", StringComparison.Ordinal)));
        await using var second = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        var opened = OpenedLine().Match(await second.WaitForLineAsync(l => l.Contains("readings pending from earlier runs", StringComparison.Ordinal), Patience));
        return (Number(closed.Groups["kept"]), closed.Groups["lost"].Success ? Number(closed.Groups["lost"]) : 0, Number(opened.Groups["pending"]));
    }

    static int Number(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Outbox closed: (?<kept>\d+) readings kept in '.*' for the next start(; (?<lost>\d+) readings held only in memory)?")]
    private static partial Regex ClosedLine();

    [GeneratedRegex(@"(?<pending>\d+) readings pending from earlier runs")]
    private static partial Regex OpenedLine();

    public void Dispose() => pki.Dispose();
}
