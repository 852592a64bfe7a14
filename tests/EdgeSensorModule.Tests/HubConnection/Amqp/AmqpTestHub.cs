using System.Net.Security;
using System.Threading.Channels;
using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Transport;

namespace EdgeSensorModule.Tests.HubConnection.Amqp;

/// <summary>
/// An AMQP hub on Microsoft.Azure.Amqp for what the simulator does not do on purpose, run as a
/// <see cref="TestInfrastructure.TlsTestServer"/> session: it takes telemetry (Accepted), and treats the twin,
/// methods and C2D links as <see cref="CloudLinks"/> says: refuses them with <c>amqp:not-found</c> (a hub without
/// them), attaches them and never answers a request, or never answers their attach at all. Unless
/// <paramref name="settlesTelemetry"/>, it takes telemetry and never settles it (a hub that stopped answering).
/// </summary>
internal sealed class AmqpTestHub(AmqpTestHub.CloudLinks cloudLinks, bool settlesTelemetry = true) : IRuntimeProvider
{
    /// <summary>What the hub does with the device's twin, methods and C2D links.</summary>
    public enum CloudLinks
    {
        Refused,
        AttachedButSilent,
        AttachNeverAnswered,
    }

    readonly Channel<AmqpMessage> telemetry = Channel.CreateUnbounded<AmqpMessage>();
    readonly Channel<AmqpMessage> twinRequests = Channel.CreateUnbounded<AmqpMessage>();

    /// <summary>Telemetry messages, in order of arrival.</summary>
    public ChannelReader<AmqpMessage> Telemetry => telemetry.Reader;

    /// <summary>Messages the device sent on its twin sender link.</summary>
    public ChannelReader<AmqpMessage> TwinRequests => twinRequests.Reader;

    /// <summary>The <see cref="TestInfrastructure.TlsTestServer"/> session: AMQP until the device closes.</summary>
    public async Task SessionAsync(SslStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        await stream.ReadExactlyAsync(header, cancellationToken); // a server-side AmqpConnection expects it read
        var settings = new AmqpSettings { RuntimeProvider = this };
        var provider = new AmqpTransportProvider();
        provider.Versions.Add(new AmqpVersion(1, 0, 0));
        settings.TransportProviders.Add(provider);
        var connection = new AmqpConnection(new StreamTransport(stream, "test-hub", "device"), new ProtocolHeader(ProtocolId.Amqp, new AmqpVersion(1, 0, 0)),
            false, settings, new AmqpConnectionSettings { ContainerId = "AmqpTestHub", MaxFrameSize = AmqpConstants.DefaultMaxFrameSize });
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += (_, _) => closed.TrySetResult();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await closed.Task.WaitAsync(cancellationToken);
        }
        finally
        {
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
        var address = (settings.Role == true ? (settings.Target as Target)?.Address : (settings.Source as Source)?.Address)?.ToString();
        var telemetryLink = settings.Role == true && AmqpEndpoints.TryParseTelemetryAddress(address, out _);
        if (!telemetryLink && cloudLinks == CloudLinks.Refused)
        {
            throw new AmqpException(AmqpErrors.NotFound, $"'{address}' is not served by this hub.");
        }

        if (settings.Role != true)
        {
            return new SendingAmqpLink(session, settings); // twin answers, method calls, C2D: never sent
        }

        settings.TotalLinkCredit = 100;
        settings.AutoSendFlow = true;
        var link = new ReceivingAmqpLink(session, settings);
        var into = telemetryLink ? telemetry : AmqpCloudLinks.Parse(address, out _) == AmqpCloudLinks.Kind.Twin ? twinRequests : null;
        link.RegisterMessageListener(message =>
        {
            if (telemetryLink && !settlesTelemetry)
            {
                telemetry.Writer.TryWrite(message);
                return;
            }

            link.DisposeMessage(message, AmqpConstants.AcceptedOutcome, settled: true, batchable: false);
            if (into is null || !into.Writer.TryWrite(message))
            {
                message.Dispose();
            }
        });
        return link;
    }

    /// <inheritdoc />
    public IAsyncResult BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        ArgumentNullException.ThrowIfNull(link);
        var done = new TaskCompletionSource(state);
        var address = (link.IsReceiver ? (link.Settings.Target as Target)?.Address : (link.Settings.Source as Source)?.Address)?.ToString();
        if (cloudLinks != CloudLinks.AttachNeverAnswered || AmqpEndpoints.TryParseTelemetryAddress(address, out _))
        {
            done.SetResult();
            callback?.Invoke(done.Task);
        }

        return done.Task;
    }

    /// <inheritdoc />
    public void EndOpenLink(IAsyncResult result) => ((Task)result).GetAwaiter().GetResult();
}
