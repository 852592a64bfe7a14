using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Transport;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>
/// The AMQP transport over an already secured stream, over a stream that records each write: the library's list of
/// frames (a transfer's header and message, frames queued behind a pending write) reaches the stream as one write, in
/// order, so TLS makes one record of it instead of one per buffer; bytes the stream already holds are read synchronously.
/// </summary>
public sealed class StreamTransportTests
{
    [Fact]
    public void Write_ListOfBuffers_ReachesTheStreamAsOneWriteInOrder()
    {
        var stream = new RecordingStream();
        var transport = new StreamTransport(stream, "device", "hub");
        var args = new TransportAsyncCallbackArgs { CompletedCallback = _ => { } };
        args.SetBuffer(new List<ByteBuffer> { new(new byte[] { 1, 2 }, 0, 2), new(new byte[] { 9, 3, 4, 9 }, 1, 2), new(new byte[] { 5 }, 0, 1) });

        var pending = transport.WriteAsync(args);

        Assert.False(pending);
        Assert.Null(args.Exception);
        Assert.Equal(5, args.BytesTransfered);
        Assert.Equal([[1, 2, 3, 4, 5]], stream.Writes);
    }

    [Fact]
    public void Read_BytesTheStreamHolds_CompleteSynchronouslyWithTheirCount()
    {
        var stream = new RecordingStream(new byte[] { 7, 8, 9 });
        var transport = new StreamTransport(stream, "device", "hub");
        var buffer = new byte[8];
        var args = new TransportAsyncCallbackArgs { CompletedCallback = _ => Assert.Fail("completed asynchronously") };
        args.SetBuffer(buffer, 0, 4);

        var pending = transport.ReadAsync(args);

        Assert.False(pending);
        Assert.True(args.CompletedSynchronously);
        Assert.Equal(3, args.BytesTransfered);
        Assert.Equal(new byte[] { 7, 8, 9, 0 }, buffer[..4]);
    }

    /// <summary>Reads from fixed bytes; records each write as it came.</summary>
    sealed class RecordingStream(byte[]? content = null) : MemoryStream(content ?? [])
    {
        public List<byte[]> Writes { get; } = [];

        public override bool CanWrite => true;

        public override void Write(byte[] buffer, int offset, int count) => Writes.Add(buffer[offset..(offset + count)]);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
