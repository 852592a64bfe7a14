using System.Net.WebSockets;
using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// Classifies what Microsoft.Azure.Amqp reports into <see cref="HubException"/> codes, by the AMQP error condition
/// (never by message text): unauthorized-access is the hub refusing the device; throttling, busy and internal errors
/// are worth retrying soon; a closed or broken connection is a lost connection.
/// </summary>
internal static class AmqpFailure
{
    /// <summary>The classified failure, or null for exceptions that are not communication failures (bugs).</summary>
    public static HubException? Classify(Exception ex, string endpoint, string deviceId, string doing)
    {
        if (Find<HubException>(ex) is { } hub)
        {
            return new HubException(hub.ErrorCode, hub.Message, ex); // TLS-level, from TlsConnector's stream
        }

        if (Find<AmqpException>(ex) is { Error.Condition: var condition } amqp)
        {
            return FromCondition(condition, amqp.Error.Description, endpoint, deviceId, $"while {doing}", ex);
        }

        // A WebSocket the server closed or aborted (AmqpWebSocket) is a lost connection like a broken TLS stream.
        return Find<IOException>(ex) is not null || Find<WebSocketException>(ex) is not null
            || Find<ObjectDisposedException>(ex) is not null || Find<OperationCanceledException>(ex) is not null
            ? new HubException(HubErrorCode.ConnectionLost, $"The connection to {endpoint} was lost while {doing}: {ex.Message}", ex)
            : null;
    }

    /// <summary>Null when the hub accepted the message; otherwise why not, classified.</summary>
    public static HubException? FromOutcome(Outcome outcome, string messageId, string endpoint) => outcome switch
    {
        Accepted => null,
        Rejected { Error: { } error } when AmqpErrors.IsTransient(error.Condition) =>
            new HubException(HubErrorCode.ServerUnavailable, $"{endpoint} did not take message {messageId} now ({error.Condition}: {error.Description}); retrying."),
        Rejected { Error: { } error } =>
            new HubException(HubErrorCode.MessageRejected, $"The hub refused message {messageId}: {error.Condition} {error.Description}"),
        Rejected => new HubException(HubErrorCode.MessageRejected, $"The hub refused message {messageId} (rejected without an error)."),
        _ => new HubException(HubErrorCode.ServerUnavailable, $"{endpoint} released message {messageId} unprocessed ({outcome.DescriptorName}); retrying."),
    };

    static HubException FromCondition(AmqpSymbol condition, string? description, string endpoint, string deviceId, string when, Exception ex)
    {
        if (condition.Equals(AmqpErrors.UnauthorizedAccess))
        {
            return new HubException(HubErrorCode.NotAuthorized, $"{endpoint} refused device '{deviceId}' ({condition}): {RefusalAdvice.NotAuthorized}", ex);
        }

        if (condition.Equals(AmqpErrors.ConnectionForced))
        {
            return new HubException(HubErrorCode.ConnectionLost, $"{endpoint} closed the connection {when}: {description} ({condition})", ex);
        }

        if (AmqpErrors.IsTransient(condition))
        {
            return new HubException(HubErrorCode.ServerUnavailable, $"{endpoint} is unavailable ({condition}: {description}); retrying.", ex);
        }

        if (condition.Equals(AmqpErrors.MessageSizeExceeded))
        {
            return new HubException(HubErrorCode.MessageRejected, $"{endpoint} refused a message as too large ({condition}: {description}).", ex);
        }

        return new HubException(HubErrorCode.ConnectionLost, $"The connection to {endpoint} failed {when}: {condition} {description}", ex);
    }

    static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }

            if (ex is AggregateException { InnerExceptions: [var single] })
            {
                return Find<T>(single);
            }
        }

        return null;
    }
}
