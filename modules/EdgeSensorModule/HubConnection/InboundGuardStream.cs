using IotHub.Protocol;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// What <see cref="TlsConnector"/> hands MQTTnet or the AMQP client: the connection after a completed TLS handshake, whose reads say what
/// the server did, as <see cref="HubException"/>s. Before the first byte arrives, the connection can still end with
/// the server's verdict on the device's certificate (under TLS 1.3, and with servers that check the certificate after
/// their handshake, such as .NET's): a TLS alert, or a close when the server had asked for the certificate, is
/// <see cref="HubErrorCode.ClientCertificateRejected"/>. Afterwards, for MQTT, a packet larger than anything IoT Hub sends
/// (<see cref="MqttLimits.MaxInboundPacketBytes"/>) ends the connection before its body is read. Writes pass through.
/// </summary>
internal sealed class InboundGuardStream(Stream inner, string endpoint, bool clientCertificateSent, HubProtocol protocol) : Stream
{
    readonly InboundPacketLimit? limit = protocol.InboundLimit();
    bool received;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int count;
        try
        {
            count = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException ex) when (!received && Verdict(ex) is { } verdict)
        {
            throw verdict;
        }

        if (count == 0 && !received && Verdict(null) is { } closed)
        {
            throw closed;
        }

        received |= count > 0;
        if (limit is not null && !limit.Accepts(buffer.Span[..count], out var declared))
        {
            throw new HubException(HubErrorCode.ConnectionLost,
                $"The server at {endpoint} sent an MQTT packet of {declared} bytes, more than the {MqttLimits.MaxInboundPacketBytes} IoT Hub ever sends; "
                + "refused before reading its body.");
        }

        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync(); // the coalescing queue sends what it holds first
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    HubException? Verdict(IOException? failure) => Verdict(failure, endpoint, clientCertificateSent, protocol.FirstAnswer());

    /// <summary>
    /// The connection ended (<paramref name="failure"/>, or a close when null) before the server sent anything (before
    /// <paramref name="awaited"/>): a TLS alert, or a close after it asked for the device's certificate, is its
    /// verdict. Null when it says nothing.
    /// </summary>
    internal static HubException? Verdict(IOException? failure, string endpoint, bool clientCertificateSent, string awaited) => TlsAlert.Find(failure) switch
    {
        { RejectsCertificate: true } alert => TlsConnector.ClientCertificateRejected(endpoint, alert.ToString(), failure),
        { } alert => new HubException(HubErrorCode.ConnectionLost, $"The server at {endpoint} ended the connection before {awaited} with {alert}.", failure),
        null when clientCertificateSent => TlsConnector.ClientCertificateRejected(endpoint, $"it closed the connection right after the handshake, before {awaited}", failure),
        null => null,
    };
}
