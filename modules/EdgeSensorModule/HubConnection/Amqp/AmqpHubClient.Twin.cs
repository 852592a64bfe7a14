using System.Collections.Concurrent;
using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// Twin requests over AMQP: sent on the twin sender link with a fresh correlation id, answered on the twin receiver
/// link with the same id and a <c>status</c> annotation; a message there without a correlation id is a desired push.
/// </summary>
public sealed partial class AmqpHubClient : ICloudChannel
{
    readonly ConcurrentDictionary<string, TaskCompletionSource<TwinAnswer>> twinRequests = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<string> GetTwinAsync(CancellationToken cancellationToken)
    {
        const string What = "twin GET";
        var answer = await TwinRequestAsync(AmqpCloudLinks.TwinOperations.Get, null, null, What, cancellationToken);
        return answer.Status is >= 200 and <= 299 ? answer.Body : throw Refused(What, answer);
    }

    /// <inheritdoc />
    public async Task PatchReportedAsync(string patchJson, CancellationToken cancellationToken)
    {
        const string What = "reported-properties patch";
        var answer = await TwinRequestAsync(AmqpCloudLinks.TwinOperations.Patch, AmqpCloudLinks.ReportedResource, patchJson, What, cancellationToken);
        if (answer.Status is not (>= 200 and <= 299))
        {
            throw Refused(What, answer);
        }
    }

    /// <summary>An answer completes its request (answers to requests given up on are ignored); a push goes to the listener.</summary>
    void OnTwinMessage(ReceivingAmqpLink link, AmqpMessage message)
    {
        TwinAnswer answer;
        using (message)
        {
            Settle(link, message);
            if (Decode(message, "twin", AmqpCloudMessages.ReadTwin) is not { } decoded)
            {
                return;
            }

            answer = decoded;
        }

        if (answer.CorrelationId is null)
        {
            cloudListener?.DesiredPatch(answer.Body);
        }
        else if (twinRequests.TryGetValue(answer.CorrelationId, out var waiting))
        {
            waiting.TrySetResult(answer);
        }
    }

    /// <summary>A closed connection answers no request: those waiting end now instead of at their timeout.</summary>
    void EndTwinRequests(Connection connection)
    {
        foreach (var waiting in twinRequests.Values)
        {
            waiting.TrySetException(new HubException(HubErrorCode.ConnectionLost,
                $"The connection to {endpoint} closed while waiting for a twin answer ({connection.Amqp.TerminalException?.Message ?? "closed"})."));
        }
    }

    async Task<TwinAnswer> TwinRequestAsync(string operation, string? resource, string? body, string what, CancellationToken cancellationToken)
    {
        if (current is not { } connection || !IsConnected)
        {
            throw new HubException(HubErrorCode.ConnectionLost, $"Not connected to {endpoint}: no {what}.");
        }

        if (connection.TwinSender is not { State: AmqpObjectState.Opened } sender)
        {
            throw new HubException(HubErrorCode.ConnectionLost, $"{endpoint} has no twin link open: no {what}.");
        }

        var correlationId = AmqpCloudMessages.NewCorrelationId(operation);
        var answer = new TaskCompletionSource<TwinAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        twinRequests[correlationId] = answer;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(device.OperationTimeout);
        try
        {
            // Settled on send, as the SDKs send twin requests: the answer is the acknowledgement.
            using var request = AmqpCloudMessages.TwinRequest(operation, resource, correlationId, body);
            await sender.SendMessageAsync(request, new ArraySegment<byte>(Guid.NewGuid().ToByteArray()), AmqpConstants.NullBinary, timeout.Token);
            return await answer.Task.WaitAsync(timeout.Token);
        }
        catch (HubException)
        {
            throw; // the connection closed meanwhile (EndTwinRequests)
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (timeout.IsCancellationRequested || ex is TimeoutException))
        {
            throw new HubException(HubErrorCode.Timeout, $"No answer to the {what} from {endpoint} within Device__OperationTimeout ({device.OperationTimeout}).", ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && AmqpFailure.Classify(ex, endpoint, device.Id, $"sending the {what}") is { } failure)
        {
            throw failure;
        }
        finally
        {
            twinRequests.TryRemove(correlationId, out _);
        }
    }

    /// <summary>IoT Hub's twin statuses: 429 and 5xx are worth retrying, anything else is a refusal.</summary>
    HubException Refused(string what, TwinAnswer answer) => new(
        answer.Status is 429 or >= 500 ? HubErrorCode.ServerUnavailable : HubErrorCode.MessageRejected,
        $"{endpoint} answered the {what} with status {answer.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}: {Shorten(answer.Body)}");

    /// <summary>Reads a received message; a message the library cannot decode is logged once and dropped, never thrown on the receive path.</summary>
    T? Decode<T>(AmqpMessage message, string link, Func<AmqpMessage, T> read)
        where T : struct
    {
        try
        {
            return read(message);
        }
        catch (Exception ex) when (ex is AmqpException or InvalidOperationException or FormatException or System.Runtime.Serialization.SerializationException)
        {
            LogUndecodable(logger, link, endpoint, ex.Message);
            return null;
        }
    }

    static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a message on the {Link} link from {Endpoint} that could not be decoded: {Detail}")]
    private static partial void LogUndecodable(ILogger logger, string link, string endpoint, string detail);
}
