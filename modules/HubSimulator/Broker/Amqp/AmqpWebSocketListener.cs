using System.Net.WebSockets;
using IotHub.Amqp;
using Microsoft.Azure.Amqp.Transport;

namespace HubSimulator.Broker.Amqp;

/// <summary>
/// AMQP over WebSocket (sub-protocol <c>AMQPWSB10</c> on <c>Simulator__WebSocketPort</c>): the WebSocket endpoint
/// (<see cref="WebSockets.DeviceWebSockets"/>) accepts the upgrade after a TLS handshake with the device's certificate
/// and hands the WebSocket here with that certificate and its chain. Its binary messages become one byte stream
/// carrying the device's <see cref="DevicePrincipal"/>, accepted into the same <see cref="AmqpTransportListener"/> as
/// AMQP over TLS, which reads the protocol header (a server-side AmqpConnection does not read it itself): edgeHub's
/// pattern. Microsoft.Azure.Amqp's own WebSocket listener exists only on .NET Framework.
/// </summary>
public sealed class AmqpWebSocketListener() : TransportListener("amqp-websocket")
{
    volatile bool listening;

    /// <summary>True while the AMQP endpoint takes connections; false before it starts, after it stops, and with <c>Simulator__AmqpPort=0</c>.</summary>
    public bool IsListening => listening;

    /// <inheritdoc />
    protected override void OnListen() => listening = true;

    /// <inheritdoc />
    protected override bool CloseInternal()
    {
        listening = false;
        return true;
    }

    /// <inheritdoc />
    protected override void AbortInternal() => listening = false;

    /// <summary>
    /// Serves AMQP on an accepted WebSocket until the connection ends, or until <paramref name="cancellationToken"/>
    /// (the HTTP request is aborted); the request must last as long as its WebSocket.
    /// </summary>
    public async Task ServeAsync(WebSocket socket, DevicePrincipal device, string localEndPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        var stream = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
        var transport = new StreamTransport(stream, localEndPoint, device.RemoteEndPoint, device);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.Closed += (_, _) => ended.TrySetResult();
        if (!listening)
        {
            transport.Abort(); // stopped between the upgrade and now
            return;
        }

        OnTransportAccepted(new TransportAsyncCallbackArgs { Transport = transport, CompletedSynchronously = false });
        try
        {
            await ended.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            transport.Abort();
        }
    }
}
