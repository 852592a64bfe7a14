using System.Collections.Concurrent;
using HubSimulator.Dashboard;
using HubSimulator.Hosting;
using HubSimulator.Messages;
using IotHub.Amqp;
using IotHub.Protocol;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSimulator.Broker.Amqp;

/// <summary>
/// IoT Hub's AMQP 1.0 device endpoint on Microsoft.Azure.Amqp (<c>Simulator__AmqpPort</c>, 5671; 0 = off), also over
/// WebSocket (<see cref="AmqpWebSocketListener"/>, on <c>Simulator__WebSocketPort</c>), with the MQTT
/// endpoint's rules: TLS with a required client certificate, judged by <see cref="DeviceAuthenticator"/> when the device
/// attaches its telemetry link (X.509 devices use no SASL and no CBS); one connection per device (a newer one closes the
/// older with <c>amqp:connection:forced</c>); messages over 256 KiB rejected. Telemetry goes into the same
/// <see cref="MessageStore"/>, with system properties under their MQTT names, and is accepted only once stored.
/// </summary>
public sealed partial class AmqpHubServer(
    IOptions<SimulatorOptions> options,
    AmqpTlsListener tlsListener,
    AmqpWebSocketListener webSocketListener,
    DeviceAuthenticator authenticator,
    ClientChains chains,
    MessageStore telemetry,
    DeviceConnections connections,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<AmqpHubServer> logger) : IHostedService, IRuntimeProvider, IDisposable
{
    /// <summary>Largest AMQP message accepted on a link: the body limit plus room for properties and framing.</summary>
    const ulong MaxLinkMessageBytes = MqttConnectionIdentity.MaxMessageBytes + 16 * 1024;

    /// <summary>How many messages a device may have in flight on its telemetry link.</summary>
    const uint LinkCredit = 1000;

    readonly ConcurrentDictionary<string, AmqpConnection> devices = new(StringComparer.Ordinal);
    AmqpSettings? settings;
    AmqpTransportListener? listener;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var port = options.Value.AmqpPort;
        if (port == 0)
        {
            return Task.CompletedTask;
        }

        tlsListener.Bind();
        settings = new AmqpSettings { RuntimeProvider = this, RequireSecureTransport = true, AllowAnonymousConnection = true };
        var provider = new AmqpTransportProvider();
        provider.Versions.Add(new AmqpVersion(1, 0, 0));
        settings.TransportProviders.Add(provider);
        listener = new AmqpTransportListener([tlsListener, webSocketListener], settings);
        listener.Listen(OnTransportAccepted);
        // Once every endpoint is bound: a start refused for a busy port says that in one line, nothing else.
        lifetime.ApplicationStarted.Register(() => LogListening(logger, options.Value.BindAddress, port));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        listener?.Abort();
        foreach (var connection in devices.Values)
        {
            connection.Abort();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => listener?.Abort();

    void OnTransportAccepted(TransportListener source, TransportAsyncCallbackArgs args)
    {
        if (args.Exception is not null || args.Transport is null)
        {
            return; // not AMQP (e.g. a SASL header), already logged by nobody: the client sees the connection close
        }

        var connection = CreateConnection(args.Transport, (ProtocolHeader)args.UserToken, false, settings!, new AmqpConnectionSettings
        {
            ContainerId = $"HubSimulator_{Guid.NewGuid():N}",
            MaxFrameSize = AmqpConstants.DefaultMaxFrameSize,
            IdleTimeOut = (uint)TimeSpan.FromMinutes(4).TotalMilliseconds,
        });
        connection.Closed += (_, _) => OnConnectionClosed(connection);
        _ = OpenAsync(connection);
    }

    async Task OpenAsync(AmqpConnection connection)
    {
        try
        {
            await connection.OpenAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is AmqpException or IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            LogOpenFailed(logger, Remote(connection), ex.Message);
            connection.Abort();
        }
    }

    /// <inheritdoc />
    public AmqpConnection CreateConnection(TransportBase transport, ProtocolHeader protocolHeader, bool isInitiator, AmqpSettings amqpSettings, AmqpConnectionSettings connectionSettings) =>
        new(transport, protocolHeader, isInitiator, amqpSettings, connectionSettings);

    /// <inheritdoc />
    public AmqpSession CreateSession(AmqpConnection connection, AmqpSessionSettings settings) => new(connection, settings, this);

    /// <inheritdoc />
    public AmqpLink CreateLink(AmqpSession session, AmqpLinkSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Role != true)
        {
            // The device would receive: cloud-to-device, twin and methods are not served over AMQP (yet).
            throw new AmqpException(AmqpErrorCode.NotFound, $"'{(settings.Source as Source)?.Address}' is not served by this hub over AMQP; use MQTT for twin, methods and cloud-to-device.");
        }

        settings.TotalLinkCredit = LinkCredit;
        settings.AutoSendFlow = true;
        settings.MaxMessageSize = MaxLinkMessageBytes;
        settings.SettleType = SettleMode.SettleOnDispose;
        return new ReceivingAmqpLink(session, settings);
    }

    /// <inheritdoc />
    public IAsyncResult BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        ArgumentNullException.ThrowIfNull(link);
        var done = new TaskCompletionSource(state);
        try
        {
            Attach((ReceivingAmqpLink)link);
            done.SetResult();
        }
        catch (AmqpException ex)
        {
            done.SetException(ex);
        }

        callback?.Invoke(done.Task);
        return done.Task;
    }

    /// <inheritdoc />
    public void EndOpenLink(IAsyncResult result) => ((Task)result).GetAwaiter().GetResult();

    void Attach(ReceivingAmqpLink link)
    {
        var connection = link.Session.Connection;
        var address = (link.Settings.Target as Target)?.Address?.ToString();
        if (!AmqpEndpoints.TryParseTelemetryAddress(address, out var deviceId))
        {
            LogLinkRefused(logger, address ?? "(none)", "not a device telemetry address (/devices/{id}/messages/events)");
            throw new AmqpException(AmqpErrors.NotFound, $"'{address}' is not a device telemetry address (/devices/{{deviceId}}/messages/events).");
        }

        if (connection.Principal is not DevicePrincipal device)
        {
            throw new AmqpException(AmqpErrors.UnauthorizedAccess, "No client certificate.");
        }

        var decision = authenticator.AuthenticateDevice(deviceId, device.Certificate, device.SentChain);
        if (!decision.Accepted)
        {
            LogRefused(logger, deviceId, Remote(connection), decision.Reason);
            throw new AmqpException(AmqpErrors.UnauthorizedAccess, $"Device '{deviceId}' is not authorized.");
        }

        chains.Accepted(device.Certificate, device.SentChain);
        LogAuthenticated(logger, deviceId, decision.Reason);
        TakeOver(deviceId, connection);
        link.RegisterMessageListener(message => OnMessage(deviceId, address!, link, message));
    }

    void TakeOver(string deviceId, AmqpConnection connection)
    {
        var older = devices.TryGetValue(deviceId, out var existing) && !ReferenceEquals(existing, connection) ? existing : null;
        devices[deviceId] = connection;
        if (older is not null)
        {
            LogTakenOver(logger, deviceId);
            older.SafeClose(new AmqpException(AmqpErrors.ConnectionForced, $"A newer connection of device '{deviceId}' took over (one connection per device)."));
        }

        LogConnected(logger, deviceId, Remote(connection));
        connections.Opened(deviceId, null, null);
    }

    void OnConnectionClosed(AmqpConnection connection)
    {
        foreach (var (deviceId, open) in devices)
        {
            if (ReferenceEquals(open, connection) && devices.TryRemove(new KeyValuePair<string, AmqpConnection>(deviceId, connection)))
            {
                LogDisconnected(logger, deviceId, connection.TerminalException?.Message ?? "closed");
                connections.Closed(deviceId);
            }
        }
    }

    void OnMessage(string deviceId, string address, ReceivingAmqpLink link, AmqpMessage message)
    {
        using (message)
        {
            var (system, application, body) = AmqpTelemetry.FromAmqp(message);
            if (body.Length > MqttConnectionIdentity.MaxMessageBytes)
            {
                var reason = $"message of {body.Length} bytes exceeds IoT Hub's limit of {MqttConnectionIdentity.MaxMessageBytes} bytes";
                LogRejected(logger, deviceId, reason);
                link.DisposeMessage(message, new Rejected { Error = new Error { Condition = AmqpErrors.MessageSizeExceeded, Description = reason } }, settled: true, batchable: false);
                return;
            }

            var received = ReceivedMessage.Create(deviceId, address, system, application, body, clock.GetUtcNow());
            telemetry.Add(received);
            LogTelemetry(logger, received.ToDisplayLine());
            link.DisposeMessage(message, AmqpConstants.AcceptedOutcome, settled: true, batchable: false); // only once stored
        }
    }

    static string Remote(AmqpConnection connection) => (connection.Principal as DevicePrincipal)?.RemoteEndPoint ?? "?";

    [LoggerMessage(Level = LogLevel.Information, Message = "AMQP over TLS listening on {Address}:{Port} (same server certificate; devices use Device__Transport=Amqp Device__Port={Port})")]
    private static partial void LogListening(ILogger logger, string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused device '{DeviceId}' from {Endpoint} with amqp:unauthorized-access (AMQP link attach): {Reason}")]
    private static partial void LogRefused(ILogger logger, string deviceId, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an AMQP link to '{Address}': {Reason}")]
    private static partial void LogLinkRefused(ILogger logger, string address, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device '{DeviceId}' authenticated: {How}")]
    private static partial void LogAuthenticated(ILogger logger, string deviceId, string how);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device '{DeviceId}' connected over AMQP from {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string deviceId, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device '{DeviceId}' disconnected (AMQP: {Reason})")]
    private static partial void LogDisconnected(ILogger logger, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped the older connection of device '{DeviceId}': a new connection took over (one connection per device)")]
    private static partial void LogTakenOver(ILogger logger, string deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a message of device '{DeviceId}': {Reason}")]
    private static partial void LogRejected(ILogger logger, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An AMQP connection from {Endpoint} did not open: {Reason}")]
    private static partial void LogOpenFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogTelemetry(ILogger logger, string line);
}
