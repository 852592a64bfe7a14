using System.Buffers;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection.Proxy;
using EdgeSensorModule.Identity;
using IotHub.Certificates;
using IotHub.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// IoT Hub's MQTT 3.1.1 device protocol on MQTTnet, as the official SDKs speak it: client id = device id, username
/// <c>{host}/{deviceId}/?api-version=...</c>, no password (X.509), clean session off, QoS 1 telemetry.
/// </summary>
public sealed partial class MqttHubClient : IHubClient
{
    /// <summary>Product string in the username's DeviceClientType, like the SDK's "Microsoft.Azure.Devices.Client/x.y".</summary>
    public static readonly string ProductInfo =
        $"EdgeSensorModule/{typeof(MqttHubClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"}";

    readonly DeviceOptions device;
    readonly ILogger<MqttHubClient> logger;
    readonly IMqttClient client;
    readonly MqttClientOptions options;
    readonly string endpoint;
    volatile bool closing;

    /// <summary>Creates the client; it does not connect yet. Each connect presents the identity <paramref name="identities"/> holds then.</summary>
    public MqttHubClient(DeviceOptions device, IClientIdentitySource identities, X509Certificate2Collection? trustBundle, ILogger<MqttHubClient> logger, HttpProxy? proxy = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        this.device = device;
        this.logger = logger;
        (options, endpoint) = MqttConnectionOptions.Create(device, identities, trustBundle, proxy, ProductInfo);
        client = new MqttClientFactory().CreateMqttClient();
        client.DisconnectedAsync += OnDisconnectedAsync;
        AttachInbound();
    }

    /// <inheritdoc />
    public bool IsConnected => client.IsConnected;

    /// <inheritdoc />
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (client.IsConnected)
        {
            return;
        }

        closing = false;
        MqttClientConnectResult result;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(device.ConnectTimeout);
        try
        {
            result = await client.ConnectAsync(options, timeout.Token);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown while connecting. MQTTnet reports a cancelled wait for CONNACK as "Connection closed".
            throw new OperationCanceledException($"Connecting to {endpoint} was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (timeout.IsCancellationRequested)
        {
            throw new HubException(HubErrorCode.Timeout, $"Connecting to {endpoint} took longer than Device__ConnectTimeout ({device.ConnectTimeout}).", ex);
        }
        catch (Exception ex) when (FindHubException(ex) is { } cause)
        {
            // Thrown by TlsConnector or read from the connection it returned: already classified.
            throw new HubException(cause.ErrorCode, cause.Message, ex);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or IOException)
        {
            throw new HubException(HubErrorCode.ConnectionLost, $"The connection to {endpoint} closed while connecting: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex) when (ex is not ObjectDisposedException)
        {
            // MQTTnet's "Not allowed to connect while connect/disconnect is pending": the connection that just dropped is
            // still being torn down (IsConnected is already false). Retried after the delivery loop's backoff.
            throw new HubException(HubErrorCode.ConnectionLost, $"The previous connection to {endpoint} is still closing; connecting again shortly.", ex);
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw Refused(result.ResultCode, null);
        }

        LogConnected(logger, endpoint, device.Id);
        StartSubscribing();
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

        var publish = new MqttApplicationMessage
        {
            Topic = MqttTelemetry.Topic(device.Id, message),
            Payload = new ReadOnlySequence<byte>(message.Body),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        };
        MqttClientPublishResult result;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(device.OperationTimeout);
            result = await client.PublishAsync(publish, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HubException(HubErrorCode.Timeout, $"No acknowledgement from {endpoint} within Device__OperationTimeout ({device.OperationTimeout}).", ex);
        }
        catch (Exception ex) when (FindHubException(ex) is { } cause)
        {
            // The connection ended on something the module refuses; OnDisconnectedAsync has logged why.
            throw new HubException(cause.ErrorCode, $"The connection to {endpoint} was closed.", ex);
        }
        catch (Exception ex) when (ex is MqttClientNotConnectedException or MqttCommunicationException or IOException or ObjectDisposedException)
        {
            throw new HubException(HubErrorCode.ConnectionLost, $"The connection to {endpoint} was lost: {ex.Message}", ex);
        }

        if (!result.IsSuccess)
        {
            throw new HubException(HubErrorCode.MessageRejected, $"The hub refused message {message.MessageId}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <inheritdoc />
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (!client.IsConnected)
        {
            return;
        }

        closing = true;
        try
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or IOException or OperationCanceledException)
        {
            LogDisconnectFailed(logger, endpoint, ex.Message);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        client.DisconnectedAsync -= OnDisconnectedAsync;
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Receives what the hub sends (MqttHubClient.Inbound.cs).</summary>
    partial void AttachInbound();

    /// <summary>Subscribes to twin, methods and cloud-to-device in the background after each CONNACK (MqttHubClient.Inbound.cs).</summary>
    partial void StartSubscribing();

    HubException Refused(MqttClientConnectResultCode code, Exception? inner) => code switch
    {
        MqttClientConnectResultCode.ServerUnavailable or MqttClientConnectResultCode.ServerBusy =>
            new HubException(HubErrorCode.ServerUnavailable, $"{endpoint} is unavailable (CONNACK {code}); retrying.", inner),
        MqttClientConnectResultCode.ClientIdentifierNotValid =>
            new HubException(HubErrorCode.NotAuthorized, $"{endpoint} refused the client id '{device.Id}' (CONNACK {code}): check Device__Id.", inner),
        _ => new HubException(HubErrorCode.NotAuthorized,
            $"{endpoint} refused device '{device.Id}' (CONNACK {code}): {RefusalAdvice.NotAuthorized}", inner),
    };

    static HubException? FindHubException(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is HubException hub)
            {
                return hub;
            }
        }

        return null;
    }

    Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        if (closing)
        {
            LogClosed(logger, endpoint);
        }
        else if (args.ClientWasConnected && FindHubException(args.Exception) is { } refused)
        {
            LogRefused(logger, endpoint, refused.Message);
        }
        else if (args.ClientWasConnected)
        {
            LogDisconnected(logger, endpoint, args.Reason.ToString(), args.Exception?.Message ?? "");
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Endpoint} as device {DeviceId}")]
    private static partial void LogConnected(ILogger logger, string endpoint, string deviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disconnected from {Endpoint}")]
    private static partial void LogClosed(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection to {Endpoint} lost ({Reason}) {Detail}")]
    private static partial void LogDisconnected(ILogger logger, string endpoint, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection to {Endpoint} closed: {Reason}")]
    private static partial void LogRefused(ILogger logger, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Disconnect from {Endpoint} did not complete cleanly: {Detail}")]
    private static partial void LogDisconnectFailed(ILogger logger, string endpoint, string detail);
}
