using EdgeSensorModule.Outbox;

namespace EdgeSensorModule.Tests.Outbox;

/// <summary>
/// The durability contract, seen through the flush seam: with <c>Outbox__FlushEachReading</c> every reading reaches the
/// device moments after it was written, without the writer waiting for it; a messageId is issued only once its
/// reservation is on the device.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    /// <summary>The flusher starts at once; far longer than two fsyncs, far shorter than the OS's 30 s write-back.</summary>
    static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    readonly OutboxFiles files = new();
    readonly RecordingFlush flush = new();

    [Fact]
    public async Task Append_FlushEachReading_TheReadingReachesTheDeviceWhileTheOutboxStaysOpen()
    {
        files.Options.FlushEachReading = true;
        using var outbox = files.Open(flush);

        OutboxFiles.Append(outbox, 3);
        var segment = files.Segments[^1];

        await flush.Covered(segment, new FileInfo(segment).Length).WaitAsync(Prompt);
    }

    [Fact]
    public async Task Append_FlushInProgress_ReturnsWithoutWaitingForIt()
    {
        files.Options.FlushEachReading = true;
        using var outbox = files.Open(flush);
        flush.SegmentFlushesMayRun.Reset();
        try
        {
            await Task.Run(() => OutboxFiles.Append(outbox, 100)).WaitAsync(Prompt);
        }
        finally
        {
            flush.SegmentFlushesMayRun.Set();
        }
    }

    [Fact]
    public void Append_FlushEachReading_EveryReadingIsThereAfterReopening()
    {
        files.Options.FlushEachReading = true;
        List<OutboxMessage> appended;
        using (var outbox = files.Open(flush))
        {
            appended = OutboxFiles.Append(outbox, 500);
        }

        using var reopened = files.Open();

        Assert.Equal(appended.Select(m => m.SequenceNumber), OutboxFiles.AllPending(reopened).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void Append_ReservationCannotReachTheDevice_IssuesNoMessageId()
    {
        using var outbox = files.Open(flush);
        flush.FailFileName = MessageIdReservation.FileName;

        Assert.Null(outbox.Append(OutboxFiles.Message));
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public void Append_ReservationWorksAgain_ContinuesWithTheIdThatWasNotIssued()
    {
        using var outbox = files.Open(flush);
        flush.FailFileName = MessageIdReservation.FileName;
        outbox.Append(OutboxFiles.Message);

        flush.FailFileName = null;

        Assert.Equal(0, OutboxFiles.NextId(outbox));
    }

    public void Dispose() => files.Dispose();
}
