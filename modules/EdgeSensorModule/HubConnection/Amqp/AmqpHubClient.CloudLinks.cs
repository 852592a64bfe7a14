using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// The hub-to-device links (twin pair, methods pair, C2D receiver), attached on the connection's session in the
/// background after each connect, so the first telemetry send never waits for them. A hub that refuses them
/// (<c>amqp:not-found</c>: an older simulator, a hub without them) costs one log line; telemetry goes on.
/// </summary>
public sealed partial class AmqpHubClient
{
    /// <summary>Longest cloud-to-device property text written to the log.</summary>
    const int MaxLoggedProperties = 512;

    ICloudListener? cloudListener;

    /// <inheritdoc />
    public void Listen(ICloudListener listener) => cloudListener = listener;

    void StartCloudLinks(Connection connection) => _ = AttachCloudLinksAsync(connection);

    async Task AttachCloudLinksAsync(Connection connection)
    {
        Attach[] attached;
        using (var timeout = new CancellationTokenSource(device.OperationTimeout))
        {
            attached = await Task.WhenAll(AttachTwinAsync(connection, timeout.Token), AttachMethodsAsync(connection, timeout.Token), AttachCloudToDeviceAsync(connection, timeout.Token));
        }

        if (!IsCurrent(connection) || attached.Any(a => a.Lost))
        {
            return; // the connection ended under the attach: its own close line says why, once; the next connect attaches again
        }

        var refused = attached.Where(a => a.Refusal is not null).Select(a => $"{a.What} ({a.Refusal})").ToList();
        if (refused.Count > 0)
        {
            LogLinksRefused(logger, endpoint, string.Join("; ", refused));
        }

        if (connection.TwinSender is null)
        {
            return; // no twin: the twin service keeps the settings it has
        }

        await SubscribeDesiredAsync();
        if (IsCurrent(connection))
        {
            cloudListener?.Connected();
        }
    }

    /// <summary>PUT on the desired notifications: without it the hub pushes no desired patches (the twin is still read on each connect).</summary>
    async Task SubscribeDesiredAsync()
    {
        const string What = "desired-properties subscription";
        try
        {
            var answer = await TwinRequestAsync(AmqpCloudLinks.TwinOperations.Put, AmqpCloudLinks.DesiredNotificationsResource, null, What, CancellationToken.None);
            if (answer.Status is not (>= 200 and <= 299))
            {
                LogSubscribeFailed(logger, endpoint, Refused(What, answer).Message);
            }
        }
        catch (HubException ex)
        {
            LogSubscribeFailed(logger, endpoint, ex.Message);
        }
    }

    async Task<Attach> AttachTwinAsync(Connection connection, CancellationToken cancellationToken)
    {
        const string What = "twin";
        var channel = AmqpDeviceLinks.NewChannel("twin");
        var receiver = new ReceivingAmqpLink(links.TwinReceiver(channel));
        receiver.RegisterMessageListener(message => OnTwinMessage(receiver, message)); // before the attach: messages may follow it at once
        var result = await AttachAsync(connection, receiver, What, cancellationToken);
        if (!result.Attached)
        {
            return result;
        }

        var sender = new SendingAmqpLink(links.TwinSender(channel));
        result = await AttachAsync(connection, sender, What, cancellationToken);
        if (result.Attached)
        {
            connection.TwinSender = sender;
        }
        else
        {
            receiver.Abort();
        }

        return result;
    }

    async Task<Attach> AttachMethodsAsync(Connection connection, CancellationToken cancellationToken)
    {
        const string What = "methods";
        var channel = AmqpDeviceLinks.NewChannel("methods");
        var sender = new SendingAmqpLink(links.MethodsSender(channel));
        var result = await AttachAsync(connection, sender, What, cancellationToken);
        if (!result.Attached)
        {
            return result;
        }

        connection.MethodsSender = sender; // before the receiver: a call may arrive as soon as it is attached
        var receiver = new ReceivingAmqpLink(links.MethodsReceiver(channel));
        receiver.RegisterMessageListener(message => OnMethodCall(connection, receiver, message));
        result = await AttachAsync(connection, receiver, What, cancellationToken);
        if (!result.Attached)
        {
            connection.MethodsSender = null;
            sender.Abort();
        }

        return result;
    }

    async Task<Attach> AttachCloudToDeviceAsync(Connection connection, CancellationToken cancellationToken)
    {
        var receiver = new ReceivingAmqpLink(links.CloudToDeviceReceiver());
        receiver.RegisterMessageListener(message => OnCloudToDevice(receiver, message));
        return await AttachAsync(connection, receiver, "cloud-to-device", cancellationToken);
    }

    /// <summary>Attaches one link; a refusal or no answer in time is reported, never thrown: telemetry goes on without it.</summary>
    async Task<Attach> AttachAsync(Connection connection, AmqpLink link, string what, CancellationToken cancellationToken)
    {
        try
        {
            link.AttachTo(connection.Session);
            await link.OpenAsync(cancellationToken);
        }
#pragma warning disable CA1031 // Any failure to attach leaves telemetry as it is; what it was is said below.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            link.Abort();
            if (!IsCurrent(connection))
            {
                return new Attach(what, false, true, null);
            }

            var refusal = ex is OperationCanceledException or TimeoutException
                ? $"no answer within Device__OperationTimeout ({device.OperationTimeout})"
                : AmqpFailure.Condition(ex) ?? ex.Message;
            return new Attach(what, false, false, refusal);
        }

        link.Closed += (_, _) => OnCloudLinkClosed(connection, link, what);
        if (link is ReceivingAmqpLink receiver)
        {
            receiver.SetTotalLinkCredit(AmqpDeviceLinks.ReceiverCredit, applyNow: true, updateAutoFlow: true); // only now: see ReceiverCredit
        }

        return new Attach(what, true, false, null);
    }

    /// <summary>A cloud link the hub closed while the connection stays up: said once; it is attached again on the next connect.</summary>
    void OnCloudLinkClosed(Connection connection, AmqpLink link, string what)
    {
        if (ReferenceEquals(connection.TwinSender, link))
        {
            connection.TwinSender = null;
            EndTwinRequests(connection);
        }

        if (ReferenceEquals(connection.MethodsSender, link))
        {
            connection.MethodsSender = null;
        }

        if (IsCurrent(connection) && connection.Amqp.State == AmqpObjectState.Opened)
        {
            LogLinkClosed(logger, what, endpoint, link.TerminalException?.Message ?? "closed by the hub");
        }
    }

    /// <summary>
    /// Settles a message that came settled (twin, methods), as the SDK does: the library gives a receiving link's
    /// credit back only for deliveries disposed of, so without it the hub could send 50 and then nothing more.
    /// </summary>
    static void Settle(ReceivingAmqpLink link, AmqpMessage message) => link.DisposeDelivery(message, true, AmqpConstants.AcceptedOutcome);

    bool IsCurrent(Connection connection) => ReferenceEquals(current, connection) && !connection.Closing && IsConnected;

    /// <summary>How attaching one link (or pair) went.</summary>
    /// <param name="What">twin, methods or cloud-to-device.</param>
    /// <param name="Attached">True when it is in place.</param>
    /// <param name="Lost">True when the connection ended meanwhile.</param>
    /// <param name="Refusal">The hub's refusal (condition and description), or why there was no answer.</param>
    readonly record struct Attach(string What, bool Attached, bool Lost, string? Refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint} did not attach the links for {Refused}; telemetry goes on, they are tried again on the next connect")]
    private static partial void LogLinksRefused(ILogger logger, string endpoint, string refused);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint} did not take the desired-properties subscription ({Detail}); desired changes are read on the next connect")]
    private static partial void LogSubscribeFailed(ILogger logger, string endpoint, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {What} link to {Endpoint} closed ({Detail}); telemetry goes on, it is attached again on the next connect")]
    private static partial void LogLinkClosed(ILogger logger, string what, string endpoint, string detail);
}
