using System.IO.Pipelines;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// The TLS stream as MQTTnet sees it: reads pass through; a write is copied into a queue and returns, and one pump
/// writes whatever has gathered to the TLS stream. MQTTnet writes every packet on its own (a PUBLISH as two writes:
/// fixed header and topic, then payload) and TLS turns every write into a record and a socket send; with the queue,
/// the PUBLISHes of a window leave in a few records and syscalls, which saves CPU here and at the broker
/// (docs/performance.md). Nothing is acknowledged by a write: a reading leaves the outbox only on its PUBACK. A write
/// waits only when <see cref="MaxQueuedBytes"/> are queued. When the TLS stream fails, the next write throws and the
/// TLS stream is closed, which ends the reads too. Disposing sends what is queued (the DISCONNECT) within
/// <see cref="DrainTimeout"/>, then closes the TLS stream.
/// </summary>
internal sealed class CoalescingWriteStream : Stream
{
    /// <summary>Queued bytes at which writes wait for the pump.</summary>
    public const int MaxQueuedBytes = 1 << 20;

    /// <summary>How long disposing waits for the queue to reach the TLS stream.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    // One TLS record carries up to 16 KiB: segments of that size let a window's packets leave as one record.
    static readonly PipeOptions QueueOptions = new(
        pauseWriterThreshold: MaxQueuedBytes,
        resumeWriterThreshold: MaxQueuedBytes / 2,
        minimumSegmentSize: 16 * 1024,
        useSynchronizationContext: false);

    readonly Stream inner;
    readonly Pipe queue = new(QueueOptions);
    readonly CancellationTokenSource drain = new();
    readonly Task pump;
    int disposed;

    public CoalescingWriteStream(Stream inner)
    {
        this.inner = inner;
        pump = PumpAsync();
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var result = await queue.Writer.WriteAsync(buffer, cancellationToken); // throws the pump's failure, if any
        if (result.IsCompleted)
        {
            throw new IOException("The TLS connection is closed.");
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Nothing to do: the pump writes continuously, and the TLS stream itself does not buffer.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref disposed, 1) == 0)
        {
            queue.Writer.Complete(); // the pump sends what is queued, then closes the TLS stream
            drain.CancelAfter(DrainTimeout);
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync(); // Dispose(true): the pump drains the queue
        await pump;
    }

    async Task PumpAsync()
    {
        var reader = queue.Reader;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(drain.Token);
                foreach (var segment in read.Buffer)
                {
                    await inner.WriteAsync(segment, drain.Token);
                }

                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync();
        }
#pragma warning disable CA1031 // The failure goes to the writer (its next write throws it) and to the reader through the closed stream.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await reader.CompleteAsync(ex is OperationCanceledException ? new IOException("The TLS connection did not take the queued packets in time.", ex) : ex);
        }
        finally
        {
            await inner.DisposeAsync();
        }
    }
}
