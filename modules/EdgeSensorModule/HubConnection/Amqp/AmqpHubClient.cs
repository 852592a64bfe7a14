using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection.Proxy;
using EdgeSensorModule.Identity;
using IotHub.Amqp;
using IotHub.Certificates;
using IotHub.Protocol;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Transport;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography.X509Certificates;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// IoT Hub's AMQP 1.0 device protocol on Microsoft.Azure.Amqp, as the official SDKs speak it with X.509: over TLS on
/// 5671, or over a WebSocket on 443 (sub-protocol <c>AMQPWSB10</c>, through <c>Device__ProxyUri</c> when set), with the
/// device certificate and its chain in the TLS handshake (the stream is <see cref="HubEndpoint"/>'s, as for MQTT), then
/// the plain AMQP header (no SASL, no CBS), one session, and the telemetry sender link on
/// <c>/devices/{id}/messages/events</c>. A message is sent unsettled and completes only on the hub's Accepted outcome.
/// Twin, methods and cloud-to-device links are attached on the same session in the background once telemetry flows
/// (AmqpHubClient.CloudLinks.cs).
/// </summary>
public sealed partial class AmqpHubClient : IHubClient
{
    static readonly ProtocolHeader AmqpHeader = new(ProtocolId.Amqp, new AmqpVersion(1, 0, 0));

    readonly DeviceOptions device;
    readonly ILogger<AmqpHubClient> logger;
    readonly HubEndpoint hub;
    readonly string host;
    readonly int port;
    readonly string endpoint;
    readonly AmqpDeviceLinks links;
    volatile Connection? current;

    /// <summary>Creates the client; it does not connect yet.</summary>
    public AmqpHubClient(
        DeviceOptions device, IClientIdentitySource identities, X509Certificate2Collection? trustBundle, ILogger<AmqpHubClient> logger, HttpProxy? proxy = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        this.device = device;
        this.logger = logger;
        hub = HubEndpoint.For(device, identities, trustBundle, proxy);
        host = hub.Host;
        port = hub.Port;
        endpoint = hub.Description;
        links = new AmqpDeviceLinks(host, port, device.Id, MqttHubClient.ProductInfo);
    }

    /// <inheritdoc />
    public bool IsConnected => current is { } c && c.Link.State == AmqpObjectState.Opened && c.Amqp.State == AmqpObjectState.Opened;

    /// <inheritdoc />
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (IsConnected)
        {
            return;
        }

        await CloseCurrentAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(device.ConnectTimeout);
        AmqpConnection? amqp = null;
        Connection? connection;
        try
        {
            var stream = await hub.ConnectAsync(timeout.Token);
            var transport = new StreamTransport(stream, "device", endpoint);
            var settings = new AmqpSettings();
            var provider = new AmqpTransportProvider();
            provider.Versions.Add(AmqpHeader.Version);
            settings.TransportProviders.Add(provider);
            amqp = new AmqpConnection(transport, AmqpHeader, true, settings, new AmqpConnectionSettings
            {
                ContainerId = Guid.NewGuid().ToString("N"),
                HostName = host,
                MaxFrameSize = AmqpConstants.DefaultMaxFrameSize,
                IdleTimeOut = (uint)device.KeepAlive.TotalMilliseconds,
            });
            await amqp.OpenAsync(timeout.Token);
            var session = amqp.CreateSession(new AmqpSessionSettings { Properties = new Fields() });
            await session.OpenAsync(timeout.Token);
            var link = new SendingAmqpLink(links.Telemetry());
            link.AttachTo(session);
            await link.OpenAsync(timeout.Token);
            connection = new Connection(amqp, session, link, new TelemetryOutcomes(link, device.OperationTimeout, TimeProvider.System));
            var closing = connection;
            amqp.Closed += (_, _) => OnClosed(closing);
            current = connection;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            amqp?.Abort();
            throw new OperationCanceledException($"Connecting to {endpoint} was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (timeout.IsCancellationRequested || ex is TimeoutException)
        {
            amqp?.Abort();
            throw new HubException(HubErrorCode.Timeout, $"Connecting to {endpoint} took longer than Device__ConnectTimeout ({device.ConnectTimeout}).", ex);
        }
        catch (HubException)
        {
            amqp?.Abort();
            throw; // from HubEndpoint's TLS, WebSocket or proxy step: already classified
        }
        catch (Exception ex) when (AmqpFailure.Classify(ex, endpoint, device.Id, "connecting") is { } failure)
        {
            amqp?.Abort();
            throw failure;
        }

        LogConnected(logger, endpoint, device.Id);
        StartCloudLinks(connection);
    }

    /// <inheritdoc />
    public async Task SendAsync(HubMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Body.Length > MqttConnectionIdentity.MaxMessageBytes)
        {
            throw new HubException(HubErrorCode.MessageRejected,
                $"Message {message.MessageId} has {message.Body.Length} bytes; IoT Hub accepts at most {MqttConnectionIdentity.MaxMessageBytes}.");
        }

        if (current is not { } connection)
        {
            throw new HubException(HubErrorCode.ConnectionLost, $"Not connected to {endpoint}.");
        }

        Outcome outcome;
        using var amqpMessage = AmqpTelemetry.ToAmqp(message);
        connection.AbortWhenCancelled(cancellationToken);
        try
        {
            // A cancellation (the shutdown grace ran out) aborts the connection, which ends every send in flight.
            outcome = await connection.Outcomes.SendAsync(amqpMessage);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"Sending message {message.MessageId} was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException)
        {
            throw new HubException(HubErrorCode.Timeout, $"No acknowledgement from {endpoint} within Device__OperationTimeout ({device.OperationTimeout}).", ex);
        }
        catch (Exception ex) when (AmqpFailure.Classify(ex, endpoint, device.Id, "sending") is { } failure)
        {
            throw failure;
        }

        if (AmqpFailure.FromOutcome(outcome, message.MessageId, endpoint) is { } refused)
        {
            throw refused;
        }
    }

    /// <inheritdoc />
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (current is not { } connection)
        {
            return;
        }

        current = null;
        connection.Closing = true;
        try
        {
            await connection.Amqp.CloseAsync(cancellationToken);
        }
#pragma warning disable CA1031 // Closing is best effort: the connection may already be gone in any of the library's ways.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            connection.Amqp.Abort();
            LogDisconnectFailed(logger, endpoint, ex.Message);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await CloseCurrentAsync();
    }

    async Task CloseCurrentAsync()
    {
        using var close = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await DisconnectAsync(close.Token);
    }

    void OnClosed(Connection connection)
    {
        connection.StopAbortingOnCancel();
        EndTwinRequests(connection);
        if (connection.Closing)
        {
            LogClosed(logger, endpoint);
            return;
        }

        var error = connection.Amqp.TerminalException?.Message ?? connection.Link.TerminalException?.Message ?? "the connection closed";
        LogDisconnected(logger, endpoint, error);
    }

    /// <summary>
    /// One open connection with its session and telemetry link, and the senders of its cloud links once attached;
    /// <see cref="Closing"/> when the module closes it.
    /// </summary>
    sealed class Connection(AmqpConnection amqp, AmqpSession session, SendingAmqpLink link, TelemetryOutcomes outcomes)
    {
        public AmqpConnection Amqp { get; } = amqp;

        public AmqpSession Session { get; } = session;

        public SendingAmqpLink Link { get; } = link;

        /// <summary>The telemetry link's sends waiting for the hub's outcome.</summary>
        public TelemetryOutcomes Outcomes { get; } = outcomes;

        public volatile bool Closing;

        /// <summary>The twin pair's sender, once both twin links are attached.</summary>
        public volatile SendingAmqpLink? TwinSender;

        /// <summary>The methods pair's sender, once attached.</summary>
        public volatile SendingAmqpLink? MethodsSender;

        readonly Lock gate = new();
        CancellationToken abortsOn;
        CancellationTokenRegistration abortRegistration;

        /// <summary>
        /// Aborts the connection when <paramref name="token"/> is cancelled, which ends every send in flight; registered
        /// once per token (the delivery loop sends every message with the same one).
        /// </summary>
        public void AbortWhenCancelled(CancellationToken token)
        {
            if (!token.CanBeCanceled || token == abortsOn)
            {
                return;
            }

            lock (gate)
            {
                if (token != abortsOn)
                {
                    abortRegistration.Dispose();
                    abortRegistration = token.Register(static state => ((AmqpConnection)state!).Abort(), Amqp);
                    abortsOn = token;
                }
            }
        }

        /// <summary>The connection is closed: the token no longer holds it.</summary>
        public void StopAbortingOnCancel()
        {
            lock (gate)
            {
                abortRegistration.Dispose();
                abortRegistration = default;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Endpoint} as device {DeviceId} (AMQP)")]
    private static partial void LogConnected(ILogger logger, string endpoint, string deviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disconnected from {Endpoint}")]
    private static partial void LogClosed(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection to {Endpoint} lost: {Detail}")]
    private static partial void LogDisconnected(ILogger logger, string endpoint, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Disconnect from {Endpoint} did not complete cleanly: {Detail}")]
    private static partial void LogDisconnectFailed(ILogger logger, string endpoint, string detail);
}
