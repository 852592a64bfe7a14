using System.Diagnostics;
using System.Globalization;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.Delivery;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Sensors;
using Microsoft.Extensions.Logging.Abstractions;
using StoreComparison;

// Usage (from the repository root, after `dotnet build bench/StoreComparison -c Release`):
//   StoreComparison cpu <store> <count>      CPU, allocation per reading and peak RSS for append + send order + acknowledge
//   StoreComparison sigkill <store> <rounds> a child appends as fast as it can and is SIGKILLed; every id it reported
//                                             as stored must come back, and no id may be issued again
// <store>: file (FileOutbox, group commit), sqlite-full (WAL, synchronous=FULL), sqlite-normal (WAL, synchronous=NORMAL)
var mode = args[0];
var store = args[1];
switch (mode)
{
    case "cpu":
        Cpu(store, int.Parse(args[2], CultureInfo.InvariantCulture));
        break;
    case "sigkill":
        await SigkillAsync(store, int.Parse(args[2], CultureInfo.InvariantCulture));
        break;
    case "child":
        Child(store, args[2]);
        break;
    default:
        throw new ArgumentException($"unknown mode {mode}");
}

static IOutbox Open(string store, string folder) => store switch
{
    "file" => new FileOutbox(folder, new OutboxOptions { Path = folder, FlushEachReading = true }, TimeProvider.System, NullLogger.Instance),
    "sqlite-full" => new SqliteOutbox(folder, "FULL"),
    "sqlite-normal" => new SqliteOutbox(folder, "NORMAL"),
    _ => throw new ArgumentException($"unknown store {store}"),
};

static void Cpu(string store, int count)
{
    var folder = Directory.CreateTempSubdirectory("store-cpu-").FullName;
    var reading = new SensorReading(31.25, 64.5, new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero));
    var outbox = Open(store, folder);
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var wall = Stopwatch.StartNew();
    for (var done = 0; done < count; done += 100)
    {
        for (var i = 0; i < 100; i++)
        {
            outbox.Append(id => ReadingMessage.Create("myDevice", id, reading, temperatureAlert: false));
        }

        outbox.Acknowledge(SendOrder.Next(outbox, 100));
    }

    (outbox as IDisposable)?.Dispose();
    process.Refresh();
    var perReading = (process.TotalProcessorTime - cpu).TotalMicroseconds / count;
    var bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / count;
    var hwm = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
    Console.WriteLine($"{store}: {count} readings, CPU {perReading:0.0} µs/reading (user+sys, all threads), wall {wall.Elapsed.TotalMicroseconds / count:0.0} µs/reading, {bytes} B allocated/reading, peak RSS {int.Parse(hwm, CultureInfo.InvariantCulture) / 1024.0:0.0} MiB");
    Directory.Delete(folder, recursive: true);
}

static void Child(string store, string folder)
{
    var reading = new SensorReading(31.25, 64.5, DateTimeOffset.UtcNow);
    var outbox = Open(store, folder);
    Console.WriteLine("open");
    while (true)
    {
        var message = outbox.Append(id => ReadingMessage.Create("myDevice", id, reading, temperatureAlert: false));
        Console.WriteLine(message!.SequenceNumber.ToString(CultureInfo.InvariantCulture));
    }
}

static async Task SigkillAsync(string store, int rounds)
{
    var folder = Directory.CreateTempSubdirectory("store-kill-").FullName;
    var reported = new HashSet<long>();
    long lost = 0, reused = 0;
    for (var round = 0; round < rounds; round++)
    {
        var start = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "StoreComparison.dll"), "child", store, folder])
            : new ProcessStartInfo(Environment.ProcessPath!, ["child", store, folder]);
        start.RedirectStandardOutput = true;

        using var child = Process.Start(start)!;
        var ids = new List<long>();
        while (await child.StandardOutput.ReadLineAsync() is { } line && ids.Count < 3000 + (round * 997 % 1000))
        {
            if (line != "open")
            {
                ids.Add(long.Parse(line, CultureInfo.InvariantCulture));
            }
        }

        child.Kill();
        await child.WaitForExitAsync();
        reused += ids.Count(reported.Contains);
        reported.UnionWith(ids);
        var reopened = Open(store, folder);
        var pending = reopened.Pending(int.MaxValue, new HashSet<long>(), PendingEnd.Oldest).Select(m => m.SequenceNumber).ToHashSet();
        lost += ids.Count(id => !pending.Contains(id));
        (reopened as IDisposable)?.Dispose();
    }

    Console.WriteLine($"{store}: {rounds} SIGKILLs, {reported.Count} readings reported stored, {lost} lost, {reused} ids issued twice");
    Directory.Delete(folder, recursive: true);
}
