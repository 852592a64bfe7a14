using EdgeSensorModule.Outbox;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>What survives closing and opening the outbox again: a restart, a crash, a torn write, a full disk.</summary>
public sealed class FileOutboxRecoveryTests : IDisposable
{
    readonly OutboxFiles files = new();

    [Fact]
    public async Task Open_AfterARestart_PendingMessagesComeBackWithTheSameIdAndBody()
    {
        List<OutboxMessage> appended;
        using (var first = files.Open())
        {
            appended = OutboxFiles.Append(first, 10);
            first.Acknowledge([appended[2], appended[5]]);
        }

        using var second = files.Open();

        var pending = OutboxFiles.AllPending(second);
        var expected = appended.Where(m => m.SequenceNumber is not (2 or 5)).ToList();
        Assert.Equal(expected.Count, pending.Count);
        foreach (var (e, p) in expected.Zip(pending))
        {
            OutboxFiles.AssertSameMessage(e, p);
        }

        Assert.Equal(10, OutboxFiles.NextId(second));
    }

    [Fact]
    public async Task Open_EverythingDeliveredAndCompacted_SequenceNumberContinues()
    {
        for (var run = 0; run < 3; run++)
        {
            using var outbox = files.Open();
            var appended = OutboxFiles.Append(outbox, 4);
            Assert.Equal(run * 4, appended[0].SequenceNumber);
            outbox.Acknowledge(appended);
        }

        using var last = files.Open();

        Assert.Equal(0, last.Count);
        Assert.Single(files.Segments);
        Assert.Equal(12, OutboxFiles.NextId(last));
    }

    [Fact]
    public async Task Open_RecordsLargerThanTheReadWindow_ComeBackWhole()
    {
        List<OutboxMessage> appended = [];
        using (var first = files.Open())
        {
            appended.AddRange(OutboxFiles.Append(first, 3));
            appended.Add(first.Append(id => new IotHub.Protocol.HubMessage(
                $"big-{id}", null, "application/json", "utf-8", [], Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray()))!);
            appended.AddRange(OutboxFiles.Append(first, 3));
        }

        using var second = files.Open();

        var pending = OutboxFiles.AllPending(second);
        Assert.Equal(appended.Count, pending.Count);
        foreach (var (e, p) in appended.Zip(pending))
        {
            OutboxFiles.AssertSameMessage(e, p);
        }
    }

    [Fact]
    public async Task Open_TornWriteAtTheEnd_SkipsItAndKeepsEveryCompleteRecord()
    {
        using (var first = files.Open())
        {
            OutboxFiles.Append(first, 10);
        }

        // A crash in the middle of writing reading 10: only its first bytes reached the file.
        var torn = OutboxRecords.Append(OutboxFiles.Reading(10));
        await using (var file = new FileStream(files.Segments[^1], FileMode.Append))
        {
            await file.WriteAsync(torn.AsMemory(0, torn.Length / 2));
        }

        using var second = files.Open();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), (OutboxFiles.AllPending(second)).Select(m => m.SequenceNumber));
        Assert.Equal(10, OutboxFiles.NextId(second));
    }

    [Fact]
    public async Task Open_OneDamagedRecordInTheMiddle_LosesOnlyThatRecord()
    {
        List<OutboxMessage> appended;
        using (var first = files.Open())
        {
            appended = OutboxFiles.Append(first, 10);
        }

        var segment = files.Segments[^1];
        var bytes = await File.ReadAllBytesAsync(segment);
        var readingThree = OutboxRecords.SegmentHeaderBytes + appended.Take(3).Sum(m => OutboxRecords.Append(m).Length);
        bytes[readingThree + (OutboxRecords.Append(appended[3]).Length / 2)] ^= 0x5A; // a flipped byte inside reading 3
        await File.WriteAllBytesAsync(segment, bytes);

        using var second = files.Open();

        Assert.Equal(new long[] { 0, 1, 2, 4, 5, 6, 7, 8, 9 }, (OutboxFiles.AllPending(second)).Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task Open_AfterOverflow_DroppedReadingsStayDropped()
    {
        files.Options.MaxMessages = 5;
        using (var first = files.Open())
        {
            OutboxFiles.Append(first, 8);
        }

        using var second = files.Open();

        Assert.Equal([3L, 4, 5, 6, 7], (OutboxFiles.AllPending(second)).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Open_PathIsAFile_SaysWhichSettingAndWhatToDo()
    {
        var file = Path.Combine(files.Folder, "not-a-folder");
        File.WriteAllText(file, "");
        var options = files.Options;

        var error = Assert.Throws<OutboxException>(() => new FileOutbox(Path.Combine(file, "outbox"), options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

        Assert.StartsWith($"Outbox__Path: cannot use '{Path.Combine(file, "outbox")}': ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Set Outbox__Path to a writable folder (in a container, a volume mounted there).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderInUseByAnotherOutbox_IsRefused()
    {
        using var first = files.Open();

        var error = Assert.Throws<OutboxException>(() => files.Open());

        Assert.Contains("another process uses it", error.Message, StringComparison.Ordinal);
    }

    [Trait(Tier.Name, Tier.Integration)]
    [Fact]
    public async Task AppendAsync_DiskFull_KeepsRunningAndKeepsEveryReadingUntilDelivered()
    {
        using var disk = TinyDisk.Mount(64);
        using var onDisk = new OutboxFiles(disk.Folder);
        using var outbox = onDisk.Open();

        var appended = OutboxFiles.Append(outbox, 1000); // about 300 KB: far more than fits

        var pending = OutboxFiles.AllPending(outbox);
        Assert.Equal(1000, pending.Count);
        foreach (var (e, p) in appended.Zip(pending))
        {
            OutboxFiles.AssertSameMessage(e, p);
        }

        outbox.Acknowledge(pending);
        Assert.Equal(0, outbox.Count);
        OutboxFiles.Append(outbox, 1); // space is free again after compaction
        Assert.InRange(outbox.DiskBytes, 1, 64 * 1024);
    }

    [Trait(Tier.Name, Tier.Integration)]
    [Fact]
    public async Task Open_DiskFilledAfterTheFolderWasMade_StartsAndKeepsReadingsInMemory()
    {
        using var disk = TinyDisk.Mount(64);
        using var onDisk = new OutboxFiles(disk.Folder);
        onDisk.Open().Dispose();
        await DiskFiller.FillAsync(disk.Folder);
        using var outbox = onDisk.Open();

        var appended = OutboxFiles.Append(outbox, 20);

        Assert.Equal(appended.Select(m => m.Message.MessageId), OutboxFiles.AllPending(outbox).Select(m => m.Message.MessageId));
    }

    [Trait(Tier.Name, Tier.Integration)]
    [Fact]
    public async Task Append_DiskFullBeforeTheFolderWasMade_IssuesNoMessageId()
    {
        using var disk = TinyDisk.Mount(64);
        await DiskFiller.FillAsync(disk.Folder);
        using var onDisk = new OutboxFiles(disk.Folder);
        using var outbox = onDisk.Open();

        Assert.Null(outbox.Append(OutboxFiles.Message));
    }

    [Trait(Tier.Name, Tier.Integration)]
    [Fact]
    public async Task Open_AfterACrashWithReadingsOnlyInMemory_NeverIssuesTheirMessageIdsAgain()
    {
        using var disk = TinyDisk.Mount(64);
        using var onDisk = new OutboxFiles(disk.Folder);
        using var outbox = onDisk.Open();
        OutboxFiles.Append(outbox, 5);
        await DiskFiller.FillAsync(disk.Folder);
        var inMemory = OutboxFiles.Append(outbox, 20);

        // What a crash leaves: the files as they are now, without the close.
        foreach (var file in Directory.GetFiles(disk.Folder).Where(f => Path.GetFileName(f) is not ("filler" or "outbox.lock")))
        {
            File.Copy(file, Path.Combine(files.Folder, Path.GetFileName(file)));
        }

        using var afterCrash = files.Open();

        Assert.True(OutboxFiles.NextId(afterCrash) > inMemory[^1].SequenceNumber);
    }

    public void Dispose() => files.Dispose();
}
