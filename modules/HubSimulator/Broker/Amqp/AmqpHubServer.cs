using System.Collections.Concurrent;
using System.Security.Cryptography;
using HubSimulator.Cloud;
using HubSimulator.Dashboard;
using HubSimulator.Hosting;
using HubSimulator.Registry;
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
/// attaches its first link (X.509 devices use no SASL and no CBS); one device per connection, each link on that
/// device's own paths; one connection per device (a newer one closes the older with <c>amqp:connection:forced</c>,
/// over AMQP or MQTT). The links themselves (telemetry, twin, methods, cloud-to-device) are served by
/// <see cref="AmqpDeviceLinks"/>.
/// </summary>
public sealed partial class AmqpHubServer(
    IOptions<SimulatorOptions> options,
    AmqpTlsListener tlsListener,
    AmqpWebSocketListener webSocketListener,
    DeviceAuthenticator authenticator,
    ClientChains chains,
    AmqpDeviceLinks deviceLinks,
    DeviceLink link,
    DeviceConnections connections,
    DeviceRegistry registry,
    IHostApplicationLifetime lifetime,
    ILogger<AmqpHubServer> logger) : IHostedService, IRuntimeProvider, IDisposable
{
    /// <summary>Largest AMQP message accepted on a link: the body limit plus room for properties and framing.</summary>
    const ulong MaxLinkMessageBytes = MqttConnectionIdentity.MaxMessageBytes + 16 * 1024;

    /// <summary>How many messages a device may have in flight on a link it sends on.</summary>
    const uint LinkCredit = 1000;

    readonly Lock bindGate = new();
    readonly Dictionary<AmqpConnection, AmqpDeviceSession> bound = [];
    readonly ConcurrentDictionary<string, AmqpDeviceSession> devices = new(StringComparer.Ordinal);
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
        foreach (var session in devices.Values)
        {
            session.Connection.Abort();
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
            return new SendingAmqpLink(session, settings); // the device receives: twin, methods, cloud-to-device
        }

        settings.TotalLinkCredit = LinkCredit;
        settings.AutoSendFlow = true;
        settings.MaxMessageSize = MaxLinkMessageBytes;
        if (AmqpEndpoints.TryParseTelemetryAddress((settings.Target as Target)?.Address?.ToString(), out _))
        {
            settings.SettleType = SettleMode.SettleOnDispose;
        }

        return new ReceivingAmqpLink(session, settings);
    }

    /// <inheritdoc />
    public IAsyncResult BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        ArgumentNullException.ThrowIfNull(link);
        var done = new TaskCompletionSource(state);
        try
        {
            Attach(link);
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

    void Attach(AmqpLink amqpLink)
    {
        var hubReceives = amqpLink.IsReceiver;
        var address = (hubReceives ? (amqpLink.Settings.Target as Target)?.Address : (amqpLink.Settings.Source as Source)?.Address)?.ToString();
        if (AmqpDeviceLinks.KindOf(address, hubReceives, out var deviceId) is not { } kind)
        {
            var expected = hubReceives
                ? "/devices/{id}/messages/events, /devices/{id}/twin or /devices/{id}/methods/devicebound"
                : "/devices/{id}/twin, /devices/{id}/methods/devicebound or /devices/{id}/messages/devicebound";
            LogLinkRefused(logger, address ?? "(none)", $"not a device {(hubReceives ? "sender" : "receiver")} link address ({expected})");
            throw new AmqpException(AmqpErrors.NotFound, $"'{address}' is not a device {(hubReceives ? "sender" : "receiver")} link address ({expected}).");
        }

        deviceLinks.Attach(Bind(deviceId, amqpLink.Session.Connection, ModelId(amqpLink)), kind, amqpLink, address!);
    }

    /// <summary>
    /// The device session of the connection: on the first link, the device is judged by its certificate and takes the
    /// connection; later links must name the same device (X.509 connections are never shared between devices).
    /// </summary>
    AmqpDeviceSession Bind(string deviceId, AmqpConnection connection, string? modelId)
    {
        AmqpDeviceSession session;
        lock (bindGate)
        {
            if (bound.TryGetValue(connection, out var existing))
            {
                if (existing.DeviceId == deviceId)
                {
                    return existing;
                }

                LogRefused(logger, deviceId, Remote(connection), $"the connection belongs to device '{existing.DeviceId}' (a device may attach only its own links)");
                throw new AmqpException(AmqpErrors.UnauthorizedAccess, $"This connection belongs to device '{existing.DeviceId}', not '{deviceId}'.");
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
            session = new AmqpDeviceSession(deviceId, connection);
            bound[connection] = session;
        }

        TakeOver(session, modelId, ((DevicePrincipal)connection.Principal!).Certificate.GetCertHashString(HashAlgorithmName.SHA256));
        return session;
    }

    /// <summary>The Plug and Play model id a device announces in its link properties (the C# SDK: on its sending links).</summary>
    static string? ModelId(AmqpLink link) =>
        link.Settings.Properties is { } properties && properties.TryGetValue<string>(AmqpCloudLinks.ModelIdProperty, out var modelId) ? modelId : null;

    void TakeOver(AmqpDeviceSession session, string? modelId, string thumbprint)
    {
        var deviceId = session.DeviceId;
        var older = devices.TryGetValue(deviceId, out var existing) && !ReferenceEquals(existing, session) ? existing : null;
        devices[deviceId] = session;
        if (older is not null)
        {
            LogTakenOver(logger, deviceId);
            older.Close("a newer connection took over (one connection per device)");
        }

        if (link.Opened(deviceId, session) is { } otherTransport)
        {
            LogTakenOverFrom(logger, deviceId, otherTransport.Transport);
        }

        LogConnected(logger, deviceId, Remote(session.Connection));
        connections.Opened(deviceId, modelId, thumbprint);
        registry.RecordModelId(deviceId, modelId);
    }

    void OnConnectionClosed(AmqpConnection connection)
    {
        AmqpDeviceSession? session;
        lock (bindGate)
        {
            if (!bound.Remove(connection, out session))
            {
                return;
            }
        }

        devices.TryRemove(new KeyValuePair<string, AmqpDeviceSession>(session.DeviceId, session));
        if (link.Closed(session.DeviceId, session))
        {
            connections.Closed(session.DeviceId);
        }

        LogDisconnected(logger, session.DeviceId, connection.TerminalException?.Message ?? "closed");
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped the older {Transport} connection of device '{DeviceId}': its new AMQP connection took over (one connection per device)")]
    private static partial void LogTakenOverFrom(ILogger logger, string deviceId, string transport);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An AMQP connection from {Endpoint} did not open: {Reason}")]
    private static partial void LogOpenFailed(ILogger logger, string endpoint, string reason);
}
