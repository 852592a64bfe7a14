using System.Buffers;
using HubSimulator.Broker.WebSockets;
using HubSimulator.Cloud;
using HubSimulator.Dashboard;
using HubSimulator.Hosting;
using HubSimulator.Messages;
using HubSimulator.Registry;
using IotHub.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace HubSimulator.Broker;

/// <summary>
/// IoT Hub's device endpoint: MQTT 3.1.1 over TLS 1.2/1.3 with a required client certificate (<see cref="TlsListener"/>),
/// on MQTTnet's server.
/// Every refusal is logged with its reason. One connection per device: MQTTnet's session takeover drops the old one.
/// </summary>
public sealed partial class HubServer(
    IOptions<SimulatorOptions> options,
    DeviceAuthenticator authenticator,
    ClientChains chains,
    TlsListener listener,
    MqttWebSocketAdapter webSockets,
    PublishHandler publishes,
    MqttHubSender sender,
    MqttDeviceSessions sessions,
    IHostApplicationLifetime lifetime,
    DeviceConnections connections,
    CloudToDeviceMessages cloudToDevice,
    DeviceRegistry registry,
    ILogger<HubServer> logger) : IHostedService, IDisposable
{
    MqttServer? server;

    /// <summary>The port MQTT listens on.</summary>
    public int Port => options.Value.MqttPort;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithoutDefaultEndpoint()
            .WithPersistentSessions()
            .Build();
        server = new MqttServerFactory().CreateMqttServer(serverOptions, [listener, webSockets]);
        server.ValidatingConnectionAsync += OnConnectAsync;
        server.ClientConnectedAsync += e =>
        {
            LogConnected(logger, e.ClientId, e.RemoteEndPoint?.ToString() ?? "?");
            registry.RecordModelId(e.ClientId, DeviceConnections.ModelId(e.UserName));
            return Task.CompletedTask;
        };
        server.ClientDisconnectedAsync += OnDisconnectedAsync;
        server.InterceptingSubscriptionAsync += OnSubscribeAsync;
        server.InterceptingPublishAsync += OnPublishAsync;
        server.InterceptingClientEnqueueAsync += e =>
        {
            e.AcceptEnqueue = MqttHubSender.AcceptsDelivery(e.SenderClientId, e.ReceiverClientId, connections.Find(e.ReceiverClientId) is not null);
            if (e.AcceptEnqueue)
            {
                cloudToDevice.Taken(e.ReceiverClientId, e.ApplicationMessage.Topic);
            }

            return Task.CompletedTask;
        };
        sender.Attach(server);
        connections.Watch(server); // before the handlers below, which need the device counted as connected
        sessions.Watch(server); // before cloud-to-device delivery on connect, which goes to the device's session
        WatchCloudToDevice(server);
        await server.StartAsync();
        var trust = string.IsNullOrWhiteSpace(settings.ServerCertificatePath)
            ? Path.GetFullPath(Path.Combine(settings.DataFolder, ServerCertificate.CaFileName))
            : "the CA that issued " + settings.ServerCertificatePath;
        var subject = listener.Subject ?? "?";
        var host = settings.PublicHostName;
        var trustFile = string.IsNullOrWhiteSpace(settings.ServerCertificatePath) ? trust : "<the CA file that issued the server certificate>";
        lifetime.ApplicationStarted.Register(() => // once the admin port is bound too
        {
            LogListening(logger, settings.BindAddress, settings.MqttPort, subject, trust, settings.AdminPort);
            if (settings.WebSocketPort is { } webSocketPort)
            {
                LogWebSocketListening(logger, settings.BindAddress, webSocketPort, WebSocketEndpoint.Path);
            }

            LogModuleSettings(logger, $"Device__HostName={host} Device__Port={settings.MqttPort} Device__TrustBundlePath={trustFile}");
        });
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
        {
            await server.StopAsync(new MqttServerStopOptions());
        }
    }

    /// <inheritdoc />
    public void Dispose() => server?.Dispose();

    /// <summary>Queued cloud-to-device messages go out when their device connects or subscribes, and leave the queue on its PUBACK.</summary>
    void WatchCloudToDevice(MqttServer mqtt)
    {
        mqtt.ClientConnectedAsync += e => cloudToDevice.DeliverAsync(e.ClientId);
        mqtt.ClientSubscribedTopicAsync += e =>
            e.TopicFilter.Topic == MqttTopics.CloudToDeviceFilter(e.ClientId) ? cloudToDevice.DeliverAsync(e.ClientId) : Task.CompletedTask;
        mqtt.ClientAcknowledgedPublishPacketAsync += e =>
        {
            cloudToDevice.Completed(e.ClientId, e.PublishPacket.Topic);
            return Task.CompletedTask;
        };
        mqtt.SessionDeletedAsync += e =>
        {
            cloudToDevice.SessionLost(e.Id);
            return Task.CompletedTask;
        };
    }

    Task OnConnectAsync(ValidatingConnectionEventArgs e)
    {
        var sent = e.ClientCertificate is { } certificate ? chains.SentWith(certificate) : [];
        var decision = authenticator.Authenticate(e.ClientId, e.UserName, e.ClientCertificate, sent);
        if (!decision.Accepted)
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            LogRefused(logger, e.ClientId, e.RemoteEndPoint?.ToString() ?? "?", decision.Reason);
        }
        else
        {
            chains.Accepted(e.ClientCertificate!, sent);
            connections.Authenticated(e.ClientId, e.ClientCertificate!);
            LogAuthenticated(logger, e.ClientId, decision.Reason);
        }

        return Task.CompletedTask;
    }

    Task OnDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        if (e.DisconnectType == MqttClientDisconnectType.Takeover)
        {
            LogTakenOver(logger, e.ClientId);
        }
        else
        {
            LogDisconnected(logger, e.ClientId, e.DisconnectType.ToString());
        }

        return Task.CompletedTask;
    }

    Task OnSubscribeAsync(InterceptingSubscriptionEventArgs e)
    {
        if (!PublishHandler.MaySubscribe(e.ClientId, e.TopicFilter.Topic))
        {
            e.ProcessSubscription = false;
            e.CloseConnection = true;
            LogClosed(logger, e.ClientId, $"subscription to '{e.TopicFilter.Topic}', which is not one of the device's topics");
        }

        return Task.CompletedTask;
    }

    async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        if (MqttHubSender.IsFromHub(e.ClientId))
        {
            return; // sent by the hub itself (twin answers, methods, cloud-to-device)
        }

        // The hub consumes every device publish; nothing is forwarded to other clients.
        e.ProcessPublish = false;
        var message = e.ApplicationMessage;
        var problem = await publishes.HandleAsync(e.ClientId, message.Topic, message.QualityOfServiceLevel, message.Payload.ToArray(),
            received =>
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    LogTelemetry(logger, received.ToDisplayLine()); // the line is built only when it is written
                }
            });
        if (problem is not null)
        {
            e.CloseConnection = true;
            LogClosed(logger, e.ClientId, problem);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT over TLS listening on {Address}:{Port} (server certificate {Subject}; devices trust {TrustBundle}); admin API on port {AdminPort}")]
    private static partial void LogListening(ILogger logger, string address, int port, string subject, string trustBundle, int adminPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT and AMQP over WebSocket listening on wss://{Address}:{Port}{Path} (modules: Device__Transport=MqttWebSocket or AmqpWebSocket and this port as Device__Port)")]
    private static partial void LogWebSocketListening(ILogger logger, string address, int port, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "A module reaches this hub with: {Settings} Device__Id=<a registered device> Device__CertificatePath=<its PFX or PEM chain>")]
    private static partial void LogModuleSettings(ILogger logger, string settings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused device '{DeviceId}' from {Endpoint} with CONNACK 5 (not authorized): {Reason}")]
    private static partial void LogRefused(ILogger logger, string deviceId, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device '{DeviceId}' authenticated: {How}")]
    private static partial void LogAuthenticated(ILogger logger, string deviceId, string how);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device '{DeviceId}' connected from {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string deviceId, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device '{DeviceId}' disconnected ({Type})")]
    private static partial void LogDisconnected(ILogger logger, string deviceId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped the older connection of device '{DeviceId}': a new connection took over (one connection per device)")]
    private static partial void LogTakenOver(ILogger logger, string deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed the connection of device '{DeviceId}': {Reason}")]
    private static partial void LogClosed(ILogger logger, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogTelemetry(ILogger logger, string line);
}
