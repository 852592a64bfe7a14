using System.Buffers;
using System.Security.Principal;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Transport;

namespace IotHub.Amqp;

/// <summary>
/// An AMQP transport over a stream the caller has already secured: the module's TLS stream (which sends the device's
/// intermediates, unlike the library's own TLS transport) or the simulator's accepted TLS or WebSocket stream. The
/// library reads and writes through <see cref="TransportBase"/>'s callback protocol: return false when the operation
/// completed synchronously (the caller reads the result from the args), true when the callback will be invoked.
/// A failed read or write aborts the transport, which closes the connection above it.
/// The library writes a transfer as two buffers (frame header, then the message) and, while a write is pending, queues
/// frames and writes them as one list: every buffer written on its own would be a TLS record and a socket send of its
/// own, so a list is copied into one pooled buffer and written once (measured in docs/performance.md). Reads that
/// complete synchronously (the TLS stream's buffer holds the bytes: the library reads a frame's size, then its body)
/// allocate no task.
/// </summary>
public sealed class StreamTransport : TransportBase
{
    readonly Stream stream;

    /// <summary>Wraps <paramref name="stream"/>; <paramref name="principal"/> is the peer's identity (server side).</summary>
    public StreamTransport(Stream stream, string localEndPoint, string remoteEndPoint, IPrincipal? principal = null)
        : base("stream")
    {
        this.stream = stream ?? throw new ArgumentNullException(nameof(stream));
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        Principal = principal;
    }

    /// <inheritdoc />
    public override string LocalEndPoint { get; }

    /// <inheritdoc />
    public override string RemoteEndPoint { get; }

    /// <summary>Always secured: the stream is TLS (or a WebSocket over TLS).</summary>
    public override bool IsSecure => true;

    /// <inheritdoc />
    public override void SetMonitor(ITransportMonitor usageMeter)
    {
        // No usage metering.
    }

    /// <inheritdoc />
    public override bool WriteAsync(TransportAsyncCallbackArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        args.Exception = null;
        var task = WriteCoreAsync(args);
        if (task.IsCompleted)
        {
            Finish(task, args, args.Count);
            args.CompletedSynchronously = true;
            return false;
        }

        task.ContinueWith(static (done, state) =>
        {
            var (transport, args) = ((StreamTransport, TransportAsyncCallbackArgs))state!;
            transport.Finish(done, args, args.Count);
            args.CompletedSynchronously = false;
            args.CompletedCallback(args);
        }, (this, args), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    /// <inheritdoc />
    public override bool ReadAsync(TransportAsyncCallbackArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        args.Exception = null;
        var read = stream.ReadAsync(args.Buffer.AsMemory(args.Offset, args.Count));
        if (read.IsCompletedSuccessfully)
        {
            args.BytesTransfered = read.Result;
            args.CompletedSynchronously = true;
            return false;
        }

        var task = read.AsTask();
        if (task.IsCompleted)
        {
            Finish(task, args, task.IsCompletedSuccessfully ? task.Result : 0);
            args.CompletedSynchronously = true;
            return false;
        }

        task.ContinueWith(static (done, state) =>
        {
            var (transport, args) = ((StreamTransport, TransportAsyncCallbackArgs))state!;
            transport.Finish(done, args, done.IsCompletedSuccessfully ? done.Result : 0);
            args.CompletedSynchronously = false;
            args.CompletedCallback(args);
        }, (this, args), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    /// <inheritdoc />
    protected override bool OpenInternal() => true;

    /// <inheritdoc />
    protected override bool CloseInternal()
    {
        _ = CloseStreamAsync();
        return true;
    }

    /// <inheritdoc />
    protected override void AbortInternal()
    {
        stream.Dispose(); // pending reads and writes fail
    }

    async Task WriteCoreAsync(TransportAsyncCallbackArgs args)
    {
        if (args.Buffer is { } buffer)
        {
            await stream.WriteAsync(buffer.AsMemory(args.Offset, args.Count)).ConfigureAwait(false);
        }
        else if (args.ByteBufferList is [var single])
        {
            await stream.WriteAsync(single.Buffer.AsMemory(single.Offset, single.Length)).ConfigureAwait(false);
        }
        else
        {
            var parts = args.ByteBufferList;
            var length = 0;
            for (var i = 0; i < parts.Count; i++)
            {
                length += parts[i].Length;
            }

            var joined = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var at = 0;
                for (var i = 0; i < parts.Count; i++)
                {
                    parts[i].Buffer.AsSpan(parts[i].Offset, parts[i].Length).CopyTo(joined.AsSpan(at));
                    at += parts[i].Length;
                }

                await stream.WriteAsync(joined.AsMemory(0, length)).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(joined);
            }
        }

        await stream.FlushAsync().ConfigureAwait(false);
    }

    void Finish(Task task, TransportAsyncCallbackArgs args, int transferred)
    {
        if (task.IsCompletedSuccessfully)
        {
            args.BytesTransfered = transferred;
            return;
        }

        args.BytesTransfered = 0;
        args.Exception = task.Exception?.InnerException ?? new IOException("The stream was closed.");
        Abort();
    }

    async Task CloseStreamAsync()
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing a connection the peer already dropped.
        }
    }
}
