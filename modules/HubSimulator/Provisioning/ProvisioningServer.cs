using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HubSimulator.Broker;
using HubSimulator.Hosting;
using IotHub.Protocol.Provisioning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace HubSimulator.Provisioning;

/// <summary>
/// The Device Provisioning Service's MQTT endpoint (on when <c>Simulator__ProvisioningPort</c> is set): a second
/// MQTTnet server on its own TLS listener. A device connects with client id = registration id and username
/// <c>{idScope}/registrations/{registrationId}/api-version=...</c>, registers, is answered 202 "assigning" with a
/// retry-after, polls, and gets "assigned" with this simulator's hub host name; the device is created in the registry.
/// </summary>
public sealed partial class ProvisioningServer(
    IOptions<SimulatorOptions> options,
    ClientChains chains,
    ProvisioningDesk desk,
    DeviceTls deviceTls,
    ILogger<ProvisioningServer> logger) : IHostedService, IDisposable
{
    const string SenderPrefix = "$dps/";

    readonly ConcurrentDictionary<string, (X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain, string IdScope)> connected = new(StringComparer.Ordinal);
    MqttServer? server;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.ProvisioningPort == 0)
        {
            return;
        }

        var listener = new TlsListener(options, deviceTls) { Endpoint = s => (s.ProvisioningPort, "Simulator__ProvisioningPort") };
        server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().WithoutDefaultEndpoint().Build(), [listener]);
        server.ValidatingConnectionAsync += OnConnectAsync;
        server.ClientDisconnectedAsync += e =>
        {
            connected.TryRemove(e.ClientId, out _);
            return Task.CompletedTask;
        };
        server.InterceptingSubscriptionAsync += e =>
        {
            e.ProcessSubscription = e.TopicFilter.Topic == DpsTopics.ResponseFilter;
            e.CloseConnection = !e.ProcessSubscription;
            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += OnPublishAsync;
        server.InterceptingClientEnqueueAsync += e =>
        {
            e.AcceptEnqueue = e.SenderClientId == SenderPrefix + e.ReceiverClientId;
            return Task.CompletedTask;
        };
        await server.StartAsync();
        LogListening(logger, settings.BindAddress, settings.ProvisioningPort, settings.IdScope, settings.PublicHostName);
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

    Task OnConnectAsync(ValidatingConnectionEventArgs e)
    {
        var problem = !DpsTopics.TryParseUsername(e.UserName, out var idScope, out var registrationId)
            ? $"username '{e.UserName}' is not of the form {{idScope}}/registrations/{{registrationId}}/api-version={DpsTopics.ApiVersion}"
            : registrationId != e.ClientId
                ? $"client id '{e.ClientId}' is not the registration id '{registrationId}' named in the username"
                : e.ClientCertificate is null ? "no client certificate was presented" : null;
        if (problem is not null)
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            LogRefused(logger, e.ClientId, problem);
            return Task.CompletedTask;
        }

        connected[e.ClientId] = (e.ClientCertificate!, chains.SentWith(e.ClientCertificate!), idScope);
        return Task.CompletedTask;
    }

    async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        if (e.ClientId.StartsWith(SenderPrefix, StringComparison.Ordinal))
        {
            return; // our own answer
        }

        e.ProcessPublish = false;
        var topic = e.ApplicationMessage.Topic;
        var parameters = DpsTopics.Query(topic);
        var requestId = parameters.TryGetValue(DpsTopics.RequestIdParameter, out var rid) ? rid : "";
        if (!connected.TryGetValue(e.ClientId, out var device))
        {
            return;
        }

        DeskAnswer answer;
        if (topic.StartsWith(DpsTopics.RegisterPrefix, StringComparison.Ordinal))
        {
            answer = desk.Register(device.IdScope, e.ClientId, device.Certificate, device.Chain);
            if (answer.Status == 202)
            {
                chains.Accepted(device.Certificate, device.Chain); // a resumed TLS session (here or at the hub) sends no chain
            }
        }
        else if (topic.StartsWith(DpsTopics.PollPrefix, StringComparison.Ordinal))
        {
            answer = desk.Poll(e.ClientId, parameters.TryGetValue(DpsTopics.OperationIdParameter, out var operationId) ? operationId : "");
        }
        else
        {
            e.CloseConnection = true;
            LogRefused(logger, e.ClientId, $"publish to '{topic}', which is not a DPS request topic");
            return;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(DpsTopics.Response(answer.Status, requestId, answer.RetryAfter))
            .WithPayload(answer.Body)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await server!.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = SenderPrefix + e.ClientId });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DPS endpoint (MQTT over TLS) listening on {Address}:{Port}, id scope {IdScope}; devices are assigned to hub {HubHost}")]
    private static partial void LogListening(ILogger logger, string address, int port, string idScope, string hubHost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DPS refused '{RegistrationId}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string registrationId, string reason);
}

/// <summary>An answer to a DPS request: status, optional retry-after, JSON body.</summary>
/// <param name="Status">202 assigning, 200 done, 4xx refused.</param>
/// <param name="RetryAfter">When the device should ask again.</param>
/// <param name="Body">The JSON body.</param>
public sealed record DeskAnswer(int Status, TimeSpan? RetryAfter, byte[] Body)
{
    /// <summary>An error answer with DPS's error body.</summary>
    public static DeskAnswer Error(int status, int code, string message, TimeSpan? retryAfter = null) =>
        new(status, retryAfter, JsonSerializer.SerializeToUtf8Bytes(new DpsError(code, message, Guid.NewGuid().ToString()), DpsJsonContext.Default.DpsError));
}
