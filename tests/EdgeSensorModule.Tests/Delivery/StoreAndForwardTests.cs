using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using IotHub.Protocol;
using TestInfrastructure;
using Xunit.Abstractions;

namespace EdgeSensorModule.Tests.Delivery;

/// <summary>
/// The module process against a real TLS mosquitto that crashes, a link that breaks, a full outbox and a full disk:
/// every reading arrives at least once, duplicates are identical, messageIds continue across restarts.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed partial class StoreAndForwardTests(ITestOutputHelper output) : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    readonly TestPki pki = new();

    Dictionary<string, string?> Module(string deviceId, int port, int count, string interval = "00:00:00.005")
    {
        var environment = ModuleEnvironment.ForPfx(pki, pki.IssueDevice(deviceId), deviceId, port, count);
        environment["Telemetry__Interval"] = interval;
        return environment;
    }

    [Fact]
    public async Task Module_ThreeBrokerCrashesAndASigkill_DeliversEveryMessageIdWithIdenticalDuplicates()
    {
        const string device = "restart-device";
        const int perRun = 800;
        await using var hub = await FaultyHub.StartAsync(pki, brokerUp: true, linkUp: true);
        var environment = Module(device, hub.Link.Port, perRun);

        // Run 1: one broker crash while readings flow, then SIGKILL during a network outage.
        var first = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await using (first)
        {
            await hub.CollectUntilAsync(r => r.Count >= 100, Patience, "100 readings");
            await CrashAndReturnAsync(hub, first, "crash 1");
            await hub.CollectUntilAsync(r => r.Count >= 300, Patience, "300 readings");
            hub.Link.Cut();
            await WaitForNewLineAsync(first, "readings kept; retrying");
            first.Kill();
        }

        var seenBeforeKill = hub.Received.Select(FaultyHub.Id).Max();

        // Run 2: picks up what run 1 left, then two more broker crashes.
        hub.Link.Restore();
        await using var second = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        var opened = await second.WaitForLineAsync(l => l.Contains("readings pending from earlier runs", StringComparison.Ordinal), Patience);
        var (pending, next) = ParseOpened(opened);
        await hub.CollectUntilAsync(r => r.Count >= 600, Patience, "600 readings");
        await CrashAndReturnAsync(hub, second, "crash 2");
        await hub.CollectUntilAsync(r => r.Count >= 900, Patience, "900 readings");
        await CrashAndReturnAsync(hub, second, "crash 3");
        Assert.True(await second.WaitForExitAsync(Patience) == 0, second.Output);
        var skipped = ParseSkipped(second.Lines); // the unissued rest of the block run 1 had reserved when it was killed
        await hub.CollectIdsAsync(device, next + perRun - skipped.Count, Patience);

        Assert.True(pending > 0, opened);
        Assert.True(next > seenBeforeKill, $"run 2 starts at messageId {next}, but run 1 already sent {seenBeforeKill}");
        var delivered = AssertEveryIdWithIdenticalDuplicates(hub.Received, device, skipped);
        Assert.Equal(next + perRun - skipped.Count, delivered);
        output.WriteLine($"{delivered} readings, {hub.Received.Count - delivered} duplicates, {pending} pending after the SIGKILL");
    }

    [Fact]
    public async Task Module_BrokerDownAtStart_SamplesMeanwhileAndDeliversEverything()
    {
        const string device = "early-device";
        await using var hub = await FaultyHub.StartAsync(pki, brokerUp: false, linkUp: false);
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, Module(device, hub.Link.Port, 300));
        await module.WaitForLineAsync(l => l.Contains("Took 300 readings", StringComparison.Ordinal), Patience);

        var returned = await hub.ReturnAsync();
        await hub.CollectUntilAsync(r => r.Count > 0, Patience, "the first reading");
        output.WriteLine($"first reading {Stopwatch.GetElapsedTime(returned).TotalSeconds:0.00} s after the broker returned");

        Assert.True(await module.WaitForExitAsync(Patience) == 0, module.Output);
        await hub.CollectIdsAsync(device, 300, Patience);
        Assert.Equal(300, AssertEveryIdWithIdenticalDuplicates(hub.Received, device));
    }

    [Fact]
    public async Task Module_OutboxFull_DropsTheOldestReportsItAndDeliversTheRest()
    {
        const string device = "full-device";
        await using var hub = await FaultyHub.StartAsync(pki, brokerUp: true, linkUp: false);
        var environment = Module(device, hub.Link.Port, 300, interval: "00:00:00");
        environment["Outbox__MaxMessages"] = "100";
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await module.WaitForLineAsync(l => l.Contains("Took 300 readings", StringComparison.Ordinal), Patience);

        hub.Link.Restore();

        Assert.True(await module.WaitForExitAsync(Patience) == 0, module.Output);
        await hub.CollectUntilAsync(r => r.Select(FaultyHub.Id).Distinct().Count() >= 100, Patience, "100 readings");
        Assert.Equal(Enumerable.Range(200, 100).Select(i => (long)i), hub.Received.Select(FaultyHub.Id).Distinct().Order());
        Assert.Contains(module.Lines, l => l.Contains("Outbox full (Outbox__MaxMessages 100, Outbox__MaxBytes 67108864): dropped the oldest readings up to messageId 0; 1 dropped so far", StringComparison.Ordinal));
        Assert.Contains(module.Lines, l => l.Contains("All 100 readings delivered (200 dropped by the outbox limits)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Module_DiskFull_KeepsRunningSaysSoAndDeliversEveryReading()
    {
        const string device = "disk-full-device";
        using var disk = TinyDisk.Mount(64);
        await using var hub = await FaultyHub.StartAsync(pki, brokerUp: true, linkUp: false);
        var environment = Module(device, hub.Link.Port, 600, interval: "00:00:00");
        environment["Outbox__Path"] = disk.Folder;
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        var line = await module.WaitForLineAsync(l => l.Contains("cannot write reading", StringComparison.Ordinal), Patience);
        await module.WaitForLineAsync(l => l.Contains("Took 600 readings", StringComparison.Ordinal), Patience);

        hub.Link.Restore();

        Assert.True(await module.WaitForExitAsync(Patience) == 0, module.Output);
        await hub.CollectIdsAsync(device, 600, Patience);
        Assert.Equal(600, AssertEveryIdWithIdenticalDuplicates(hub.Received, device));
        Assert.Contains($"Outbox__Path: cannot write reading", line, StringComparison.Ordinal);
        Assert.Contains("No space left on device", line, StringComparison.Ordinal);
        Assert.Contains("kept in memory only", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_DiskFullThenRestart_NeverIssuesAMessageIdTwice()
    {
        const string device = "disk-full-restart-device";
        using var disk = TinyDisk.Mount(64);
        await using var hub = await FaultyHub.StartAsync(pki, brokerUp: true, linkUp: true);
        var environment = Module(device, hub.Link.Port, 0, interval: "00:00:00.010");
        environment["Outbox__Path"] = disk.Folder;
        long firstInMemory;
        await using (var first = ModuleProcess.Start(ModuleEnvironment.Assembly, environment))
        {
            // The disk fills while readings flow: later readings live in memory only and are delivered from there.
            var full = await first.WaitForLineAsync(l => l.Contains("cannot write reading", StringComparison.Ordinal), Patience);
            firstInMemory = long.Parse(FullDiskLine().Match(full).Groups[1].Value, CultureInfo.InvariantCulture);
            await hub.CollectUntilAsync(r => r.Any(m => FaultyHub.Id(m) >= firstInMemory + 200), Patience, "200 readings held in memory");
            first.Terminate();
            Assert.True(await first.WaitForExitAsync(Patience) == 0, first.Output);
        }

        var firstRun = hub.Received.Select(MessageId).ToHashSet();
        environment["Telemetry__MessageCount"] = "100";
        var (exit, second) = await ModuleEnvironment.RunAsync(environment, Patience);
        Assert.True(exit == 0, second.Output);
        var next = ParseOpened(Assert.Single(second.Lines, l => l.Contains("readings pending from earlier runs", StringComparison.Ordinal))).Next;
        await hub.CollectUntilAsync(r => r.Select(MessageId).Except(firstRun).Count() >= 100, Patience, "the 100 readings of the second run");

        var reused = hub.Received.Where(m => m.DeviceId == device).GroupBy(FaultyHub.Id)
            .Where(g => g.Select(m => Convert.ToHexString(m.Body)).Distinct().Count() > 1).Select(g => g.Key).ToList();
        output.WriteLine($"disk full from messageId {firstInMemory}; the restart began at {next}");
        Assert.True(reused.Count == 0, $"{reused.Count} messageIds carry two different readings (the restart began at {next}): {string.Join(",", reused.Take(20))}");
    }

    [Fact]
    public async Task Module_Sigterm_ExitsZeroWithinTheShutdownTimeoutAndTheNextStartSendsTheRest()
    {
        const string device = "sigterm-device";
        await using var hub = await FaultyHub.StartAsync(pki, brokerUp: true, linkUp: true);
        var environment = Module(device, hub.Link.Port, 0);
        environment["Telemetry__ShutdownTimeout"] = "00:00:02";
        await using var first = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        await hub.CollectUntilAsync(r => r.Count >= 100, Patience, "100 readings");

        var stopping = Stopwatch.StartNew();
        first.Terminate();
        var exitCode = await first.WaitForExitAsync(Patience);
        var stopTime = stopping.Elapsed;

        Assert.True(exitCode == 0, first.Output);
        Assert.True(stopTime < TimeSpan.FromSeconds(5), $"took {stopTime} to stop");
        Assert.Contains(first.Lines, l => l.Contains("Outbox closed: ", StringComparison.Ordinal) && l.Contains("for the next start", StringComparison.Ordinal));
        environment["Telemetry__MessageCount"] = "1";
        var (secondExit, second) = await ModuleEnvironment.RunAsync(environment, Patience);
        Assert.True(secondExit == 0, second.Output);
        var next = ParseOpened(Assert.Single(second.Lines, l => l.Contains("readings pending from earlier runs", StringComparison.Ordinal))).Next;
        await hub.CollectIdsAsync(device, next + 1, Patience);
        Assert.Equal(next + 1, AssertEveryIdWithIdenticalDuplicates(hub.Received, device));
        output.WriteLine($"stopped in {stopTime.TotalSeconds:0.00} s; the next start began at messageId {next}");
    }

    async Task CrashAndReturnAsync(FaultyHub hub, ModuleProcess module, string name)
    {
        await hub.CrashAsync();
        await WaitForNewLineAsync(module, "readings kept; retrying");
        var count = hub.Received.Count;
        var returned = await hub.ReturnAsync();
        await hub.CollectUntilAsync(r => r.Count > count, Patience, $"a reading after {name}");
        output.WriteLine($"{name}: first reading {Stopwatch.GetElapsedTime(returned).TotalSeconds:0.00} s after the broker returned");
    }

    /// <summary>Waits for a line containing <paramref name="text"/> written after this call (earlier ones do not count).</summary>
    static async Task WaitForNewLineAsync(ModuleProcess module, string text)
    {
        var before = module.Lines.Count(l => l.Contains(text, StringComparison.Ordinal));
        while (module.Lines.Count(l => l.Contains(text, StringComparison.Ordinal)) <= before)
        {
            await module.WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal), Patience);
        }
    }

    /// <summary>
    /// Every messageId from 0 up arrived (except those the module said it skipped), and copies of one reading are
    /// byte-identical; returns how many ids.
    /// </summary>
    static long AssertEveryIdWithIdenticalDuplicates(IEnumerable<ReceivedTelemetry> received, string deviceId, IEnumerable<long>? skipped = null)
    {
        var byId = received.Where(m => m.DeviceId == deviceId).GroupBy(FaultyHub.Id).ToDictionary(g => g.Key, g => g.ToList());
        var max = byId.Keys.DefaultIfEmpty(-1).Max();
        var never = (skipped ?? []).ToHashSet();
        var missing = Enumerable.Range(0, (int)max + 1).Where(i => !byId.ContainsKey(i) && !never.Contains(i)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {max + 1} messageIds never arrived: {string.Join(",", missing.Take(50))}");
        foreach (var (id, copies) in byId)
        {
            Assert.True(copies.Select(c => Convert.ToHexString(c.Body)).Distinct().Count() == 1, $"messageId {id} arrived with different bodies");
            Assert.True(copies.Select(c => c.Topic).Distinct().Count() == 1, $"messageId {id} arrived with different $.mid or properties");
            Assert.Single(copies.Select(c => c.SystemProperties[SystemProperties.MessageId]).Distinct());
        }

        return byId.Count;
    }

    /// <summary>The messageIds a start said were reserved by a killed run and are never issued.</summary>
    static List<long> ParseSkipped(IEnumerable<string> lines) =>
        lines.Select(l => SkippedLine().Match(l)).Where(m => m.Success)
            .SelectMany(m => Enumerable.Range(0, (int)(Parse(m.Groups[2]) - Parse(m.Groups[1]) + 1)).Select(i => Parse(m.Groups[1]) + i))
            .ToList();

    static long Parse(Group group) => long.Parse(group.Value, CultureInfo.InvariantCulture);

    static string MessageId(ReceivedTelemetry message) => message.SystemProperties[SystemProperties.MessageId];

    static (int Pending, long Next) ParseOpened(string line)
    {
        var match = OpenedLine().Match(line);
        Assert.True(match.Success, line);
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"messageIds (\d+) to (\d+) were reserved by a run that ended without closing the outbox")]
    private static partial Regex SkippedLine();

    [GeneratedRegex(@"cannot write reading (\d+)")]
    private static partial Regex FullDiskLine();

    [GeneratedRegex(@"(\d+) readings pending from earlier runs, next messageId (\d+)")]
    private static partial Regex OpenedLine();

    public void Dispose() => pki.Dispose();
}
