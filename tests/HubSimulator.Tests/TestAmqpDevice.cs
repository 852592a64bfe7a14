using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using HubSimulator.Registry;
using IotHub.Amqp;
using IotHub.Certificates;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Transport;
using static IotHub.Amqp.AmqpCloudLinks;

namespace HubSimulator.Tests;

/// <summary>
/// A device on Microsoft.Azure.Amqp, registered by thumbprint, speaking IoT Hub's AMQP device links directly as the
/// SDKs do (TLS client certificate, no SASL, one session; twin and methods link pairs settled on send, the C2D receiver
/// settling each message itself): the AMQP counterpart of <see cref="TestDevice"/>, written out in the test.
/// </summary>
public sealed class TestAmqpDevice : IAsyncDisposable
{
    static readonly ProtocolHeader AmqpHeader = new(ProtocolId.Amqp, new AmqpVersion(1, 0, 0));

    readonly SimulatorFixture hub;
    readonly X509Certificate2 certificate;
    readonly Channel<AmqpMessage> twinAnswers = Channel.CreateUnbounded<AmqpMessage>();
    readonly Channel<AmqpMessage> desiredPushes = Channel.CreateUnbounded<AmqpMessage>();
    readonly Channel<AmqpMessage> methodCalls = Channel.CreateUnbounded<AmqpMessage>();
    readonly Channel<AmqpMessage> cloudToDevice = Channel.CreateUnbounded<AmqpMessage>();
    AmqpConnection? connection;
    AmqpSession? session;
    SendingAmqpLink? twinSender;
    SendingAmqpLink? methodSender;
    ReceivingAmqpLink? cloudToDeviceReceiver;

    TestAmqpDevice(SimulatorFixture hub, string deviceId, X509Certificate2 certificate)
    {
        this.hub = hub;
        DeviceId = deviceId;
        this.certificate = certificate;
    }

    /// <summary>The device id.</summary>
    public string DeviceId { get; }

    /// <summary>Registers a self-signed device and opens its AMQP connection and session (no links yet).</summary>
    public static async Task<TestAmqpDevice> ConnectAsync(SimulatorFixture hub, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var certificate = CertificateFactory.CreateSelfSignedDevice(deviceId, new CertificateSpec(TimeSpan.FromDays(1), KeyType.EcdsaP256));
        hub.Registry.AddDevice(deviceId, DeviceAuthentication.SelfSigned, certificate.GetCertHashString(HashAlgorithmName.SHA1));
        return await ConnectAsync(hub, deviceId, certificate);
    }

    /// <summary>Opens the connection of an already registered device with a copy of its certificate (no links yet).</summary>
    public static async Task<TestAmqpDevice> ConnectAsync(SimulatorFixture hub, string deviceId, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var device = new TestAmqpDevice(hub, deviceId, X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null));
        await device.OpenAsync();
        return device;
    }

    /// <summary>Waits until the hub has closed the connection; returns the error it closed it with.</summary>
    public async Task<Exception?> ClosedAsync(TimeSpan timeout)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection!.Closed += (_, _) => closed.TrySetResult();
        if (connection.State is AmqpObjectState.End or AmqpObjectState.Faulted)
        {
            closed.TrySetResult();
        }

        await closed.Task.WaitAsync(timeout);
        return connection.TerminalException;
    }

    /// <summary>Closes the connection cleanly (nothing of it stays on the hub).</summary>
    public async Task DisconnectAsync()
    {
        if (connection is { } open)
        {
            await open.CloseAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Opens a new connection and session with the same identity; links must be attached again.</summary>
    public async Task ReconnectAsync()
    {
        await DisconnectAsync();
        await OpenAsync();
    }

    /// <summary>Attaches the twin link pair on <c>/devices/{id}/twin</c>.</summary>
    public async Task AttachTwinAsync()
    {
        var channel = $"twin:{Guid.NewGuid()}";
        twinSender = await SenderAsync(TwinPath(DeviceId), channel);
        await ReceiverAsync(TwinPath(DeviceId), channel, SettleMode.SettleOnSend, message =>
            (message.Properties?.CorrelationId is null ? desiredPushes : twinAnswers).Writer.TryWrite(message));
    }

    /// <summary>Attaches the methods link pair on <c>/devices/{id}/methods/devicebound</c>.</summary>
    public async Task AttachMethodsAsync()
    {
        var channel = $"methods:{Guid.NewGuid()}";
        methodSender = await SenderAsync(MethodsPath(DeviceId), channel);
        await ReceiverAsync(MethodsPath(DeviceId), channel, SettleMode.SettleOnSend, message => methodCalls.Writer.TryWrite(message));
    }

    /// <summary>Attaches the C2D receiver on <c>/devices/{id}/messages/devicebound</c>; the test settles each message.</summary>
    public async Task AttachCloudToDeviceAsync() =>
        cloudToDeviceReceiver = await ReceiverAsync(CloudToDevicePath(DeviceId), null, SettleMode.SettleOnReceive, message => cloudToDevice.Writer.TryWrite(message));

    /// <summary>Attaches a link of the device's session to any address (to see the hub refuse it).</summary>
    public Task AttachReceiverAsync(string address) => ReceiverAsync(address, null, SettleMode.SettleOnSend, _ => { });

    /// <summary>Sends a twin request and returns its answer (matched by correlation-id).</summary>
    public async Task<(int Status, long? Version, string Body)> TwinAsync(string operation, string? resource, string body, TimeSpan timeout)
    {
        var correlationId = $"{operation}{Guid.NewGuid():N}";
        var request = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(Encoding.UTF8.GetBytes(body)) });
        request.Properties.CorrelationId = correlationId;
        request.MessageAnnotations.Map[OperationAnnotation] = operation;
        if (resource is not null)
        {
            request.MessageAnnotations.Map[ResourceAnnotation] = resource;
        }

        twinSender!.SendMessageNoWait(request, NewTag(), AmqpConstants.NullBinary);
        var answer = await NextAsync(twinAnswers, timeout, "twin answer");
        Assert.Equal(correlationId, answer.Properties.CorrelationId?.ToString());
        var annotations = answer.MessageAnnotations.Map;
        return ((int)annotations[StatusAnnotation], annotations[VersionAnnotation] is long version ? version : null, BodyOf(answer));
    }

    /// <summary>The next desired patch the hub pushed.</summary>
    public Task<AmqpMessage> NextDesiredAsync(TimeSpan timeout) => NextAsync(desiredPushes, timeout, "desired push");

    /// <summary>Desired pushes received and not taken yet.</summary>
    public int PendingDesired => desiredPushes.Reader.Count;

    /// <summary>The next method call.</summary>
    public Task<AmqpMessage> NextMethodCallAsync(TimeSpan timeout) => NextAsync(methodCalls, timeout, "method call");

    /// <summary>Answers a method call on the methods sender link.</summary>
    public void AnswerMethod(AmqpMessage call, int status, string json)
    {
        ArgumentNullException.ThrowIfNull(call);
        var answer = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(Encoding.UTF8.GetBytes(json)) });
        answer.Properties.CorrelationId = call.Properties.CorrelationId;
        answer.ApplicationProperties.Map[MethodStatusProperty] = status;
        methodSender!.SendMessageNoWait(answer, NewTag(), AmqpConstants.NullBinary);
    }

    /// <summary>The next cloud-to-device message (not settled yet).</summary>
    public Task<AmqpMessage> NextCloudToDeviceAsync(TimeSpan timeout) => NextAsync(cloudToDevice, timeout, "cloud-to-device message");

    /// <summary>Settles a cloud-to-device message: Accepted completes, Released abandons, Rejected rejects.</summary>
    public void Settle(AmqpMessage message, Outcome outcome) => cloudToDeviceReceiver!.DisposeMessage(message, outcome, settled: true, batchable: false);

    /// <summary>A message's data sections as text.</summary>
    public static string BodyOf(AmqpMessage message) => Encoding.UTF8.GetString(AmqpMessageBody.Read(message));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await DisconnectAsync();
        }
        catch (Exception ex) when (ex is AmqpException or IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            connection?.Abort(); // closed by the hub already
        }

        certificate.Dispose();
    }

    async Task OpenAsync()
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("localhost", hub.AmqpPort);
        var tls = new SslStream(tcp.GetStream(), false, TrustsServer);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [certificate],
        });
        var settings = new AmqpSettings();
        var provider = new AmqpTransportProvider();
        provider.Versions.Add(AmqpHeader.Version);
        settings.TransportProviders.Add(provider);
        connection = new AmqpConnection(new StreamTransport(tls, "test-device", $"localhost:{hub.AmqpPort}"), AmqpHeader, true, settings, new AmqpConnectionSettings
        {
            ContainerId = Guid.NewGuid().ToString("N"),
            HostName = "localhost",
        });
        await connection.OpenAsync(TimeSpan.FromSeconds(10));
        session = connection.CreateSession(new AmqpSessionSettings { Properties = new Fields() });
        await session.OpenAsync(TimeSpan.FromSeconds(10));
    }

    bool TrustsServer(object sender, X509Certificate? server, X509Chain? chain, SslPolicyErrors errors)
    {
        if (server is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(hub.Pki.ServerCa);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(server.GetRawCertData());
        return custom.Build(presented);
    }

    async Task<SendingAmqpLink> SenderAsync(string address, string channel)
    {
        var settings = new AmqpLinkSettings
        {
            LinkName = $"sender-{Guid.NewGuid():N}",
            Role = false,
            InitialDeliveryCount = 0,
            Source = new Source { Address = DeviceId },
            Target = new Target { Address = address },
            SettleType = SettleMode.SettleOnSend,
            Properties = new Fields { { ChannelCorrelationIdProperty, channel } },
        };
        var link = new SendingAmqpLink(settings);
        link.AttachTo(session!);
        await link.OpenAsync(TimeSpan.FromSeconds(10));
        return link;
    }

    async Task<ReceivingAmqpLink> ReceiverAsync(string address, string? channel, SettleMode settle, Action<AmqpMessage> onMessage)
    {
        var settings = new AmqpLinkSettings
        {
            LinkName = $"receiver-{Guid.NewGuid():N}",
            Role = true,
            Source = new Source { Address = address },
            Target = new Target { Address = DeviceId },
            SettleType = settle,
            TotalLinkCredit = CloudToDeviceCredit,
            AutoSendFlow = true,
            Properties = new Fields(),
        };
        if (channel is not null)
        {
            settings.Properties.Add(ChannelCorrelationIdProperty, channel);
        }

        var link = new ReceivingAmqpLink(settings);
        link.AttachTo(session!);
        link.RegisterMessageListener(message =>
        {
            if (settle == SettleMode.SettleOnSend)
            {
                link.DisposeMessage(message, AmqpConstants.AcceptedOutcome, settled: true, batchable: false);
            }

            onMessage(message);
        });
        await link.OpenAsync(TimeSpan.FromSeconds(10));
        return link;
    }

    async Task<AmqpMessage> NextAsync(Channel<AmqpMessage> channel, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await channel.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Device '{DeviceId}' received no {what} within {timeout}.");
        }
    }

    static ArraySegment<byte> NewTag() => new(Guid.NewGuid().ToByteArray());
}
