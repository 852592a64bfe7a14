using EdgeSensorModule.HubConnection;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>
/// The write queue in front of the TLS stream, over an inner stream whose writes the test holds: packets written
/// while the inner stream is busy leave together, in order; a failure of the inner stream reaches the next write;
/// disposing sends what is queued first.
/// </summary>
public sealed class CoalescingWriteStreamTests
{
    [Fact]
    public async Task Write_WhileTheInnerStreamIsBusy_QueuedPacketsLeaveInOneWriteInOrder()
    {
        var inner = new HeldStream();
        await using var stream = new CoalescingWriteStream(inner);

        await stream.WriteAsync(new byte[] { 1 });
        await inner.WriteStarted(1).WaitAsync(TimeSpan.FromSeconds(10));
        await stream.WriteAsync(new byte[] { 2, 3 });
        await stream.WriteAsync(new byte[] { 4 });
        inner.Release();
        await inner.WriteStarted(2).WaitAsync(TimeSpan.FromSeconds(10));
        inner.Release();

        Assert.Equal([[1], [2, 3, 4]], inner.Writes);
    }

    [Fact]
    public async Task Write_AfterTheInnerStreamFailed_ThrowsAndClosesIt()
    {
        var inner = new HeldStream { Failure = new IOException("Broken pipe") };
        await using var stream = new CoalescingWriteStream(inner);

        await stream.WriteAsync(new byte[] { 1 });
        await inner.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<IOException>(async () => await stream.WriteAsync(new byte[] { 2 }));
    }

    [Fact]
    public async Task DisposeAsync_WithPacketsQueued_SendsThemThenClosesTheInnerStream()
    {
        var inner = new HeldStream();
        var stream = new CoalescingWriteStream(inner);
        await stream.WriteAsync(new byte[] { 1 });
        await inner.WriteStarted(1).WaitAsync(TimeSpan.FromSeconds(10));
        await stream.WriteAsync(new byte[] { 14 }); // e.g. the DISCONNECT

        var disposing = stream.DisposeAsync().AsTask();
        inner.Release();
        await inner.WriteStarted(2).WaitAsync(TimeSpan.FromSeconds(10));
        inner.Release();
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([[1], [14]], inner.Writes);
        Assert.True(inner.Closed.IsCompleted);
    }

    [Fact]
    public async Task DisposeAsync_InnerStreamNeverTakesTheQueue_GivesUpAndClosesIt()
    {
        var inner = new HeldStream();
        var stream = new CoalescingWriteStream(inner);
        await stream.WriteAsync(new byte[] { 1 });
        await inner.WriteStarted(1).WaitAsync(TimeSpan.FromSeconds(10));

        await stream.DisposeAsync().AsTask().WaitAsync(CoalescingWriteStream.DrainTimeout + TimeSpan.FromSeconds(10));

        Assert.True(inner.Closed.IsCompleted);
    }

    /// <summary>An inner stream whose every write waits until the test releases it (or is cancelled).</summary>
    sealed class HeldStream : Stream
    {
        readonly Lock gate = new();
        readonly List<byte[]> writes = [];
        readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];
        readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure { get; init; }

        public List<byte[]> Writes
        {
            get
            {
                lock (gate)
                {
                    return [.. writes];
                }
            }
        }

        public Task Closed => closed.Task;

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public Task WriteStarted(int count)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                if (writes.Count >= count)
                {
                    reached.SetResult();
                }
                else
                {
                    waiters.Add((count, reached));
                }
            }

            return reached.Task;
        }

        public void Release()
        {
            lock (gate)
            {
                var released = release;
                release = new(TaskCreationOptions.RunContinuationsAsynchronously);
                released.SetResult();
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            Task released;
            lock (gate)
            {
                writes.Add(buffer.ToArray());
                released = release.Task;
                foreach (var (count, reached) in waiters.Where(w => writes.Count >= w.Count))
                {
                    reached.TrySetResult();
                }
            }

            await released.WaitAsync(cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            closed.TrySetResult();
            base.Dispose(disposing);
        }

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
