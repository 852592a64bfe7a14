using IotHub.Protocol;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// A device's connection to IoT Hub or an IoT Edge gateway. One owner drives it: connect, send, and connect again
/// after a <see cref="HubException"/>. Failures are always <see cref="HubException"/>.
/// </summary>
public interface IHubClient : IAsyncDisposable
{
    /// <summary>True while the connection is up.</summary>
    bool IsConnected { get; }

    /// <summary>Opens the connection (TLS, authentication); a no-op when connected.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Sends one message; completes only when the hub has acknowledged it.</summary>
    Task SendAsync(HubMessage message, CancellationToken cancellationToken);

    /// <summary>Closes the connection politely.</summary>
    Task DisconnectAsync(CancellationToken cancellationToken);
}
