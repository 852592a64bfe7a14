using System.Globalization;
using System.Text.RegularExpressions;
using EdgeSensorModule.Outbox;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>What the outbox says about its folder: deleted while running, read-only, full at close. Never "kept" for readings that are not.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed partial class OutboxFolderTests : IDisposable
{
    readonly OutboxFiles files = new();
    readonly FakeLogger logger = new();
    readonly FakeTimeProvider clock = new();

    FileOutbox Open() => new(files.Folder, files.Options, clock, logger);

    [Fact]
    public void Append_FolderDeletedWhileRunning_CreatesItAgainWithThePendingReadings()
    {
        List<OutboxMessage> appended;
        using (var outbox = Open())
        {
            appended = OutboxFiles.Append(outbox, 10);
            Directory.Delete(files.Folder, recursive: true);
            clock.Advance(TimeSpan.FromSeconds(2));
            OutboxFiles.Append(outbox, 1);
        }

        using var reopened = Open();

        Assert.Equal(appended.Select(m => m.SequenceNumber).Append(10), OutboxFiles.AllPending(reopened).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Dispose_FolderDeletedJustBefore_CreatesItAgainBeforeSayingWhatIsKept()
    {
        using (var outbox = Open())
        {
            OutboxFiles.Append(outbox, 10);
            Directory.Delete(files.Folder, recursive: true);
        }

        using var reopened = Open();

        Assert.Equal(10, reopened.Count);
    }

    [Fact]
    public void Dispose_FolderCannotBeCreatedAgain_SaysTheReadingsAreLost()
    {
        var outbox = Open();
        OutboxFiles.Append(outbox, 10);
        Directory.Delete(files.Folder, recursive: true);
        File.WriteAllText(files.Folder, "a file where the folder was");
        try
        {
            outbox.Dispose();
        }
        finally
        {
            File.Delete(files.Folder);
        }

        Assert.Contains("Outbox closed: 0 readings kept", logger.LatestRecord.Message, StringComparison.Ordinal);
        Assert.Contains("10 readings held only in memory", logger.LatestRecord.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_DiskFullWithReadingsInMemory_SaysExactlyHowManyAreKeptAndHowManyLost()
    {
        using var disk = TinyDisk.Mount(64);
        using var onDisk = new OutboxFiles(disk.Folder);
        var outbox = new FileOutbox(disk.Folder, onDisk.Options, clock, logger);
        OutboxFiles.Append(outbox, 5);
        await DiskFiller.FillAsync(disk.Folder);
        OutboxFiles.Append(outbox, 50);

        outbox.Dispose();
        File.Delete(Path.Combine(disk.Folder, "filler"));
        using var reopened = onDisk.Open();

        var closed = ClosedLine().Match(logger.LatestRecord.Message);
        Assert.True(closed.Success, logger.LatestRecord.Message);
        Assert.Equal(reopened.Count, int.Parse(closed.Groups["kept"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(55 - reopened.Count, int.Parse(closed.Groups["lost"].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Open_ReadOnlyFolderWithAnOldLockFile_SaysReadOnlyNotInUse()
    {
        using var disk = TinyDisk.Mount(64);
        using var onDisk = new OutboxFiles(disk.Folder);
        onDisk.Open().Dispose();
        disk.MakeReadOnly();

        var error = Assert.Throws<OutboxException>(() => onDisk.Open());

        Assert.Contains("Read-only file system", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("another process", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => files.Dispose();

    [GeneratedRegex(@"Outbox closed: (?<kept>\d+) readings kept in '.*' for the next start; (?<lost>\d+) readings held only in memory \(the disk refused them\) are lost")]
    private static partial Regex ClosedLine();
}
