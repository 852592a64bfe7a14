using Microsoft.Azure.Amqp;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// Direct methods over AMQP: a call arrives on the methods receiver link with a correlation id and
/// <c>IoThub-methodname</c>; the answer goes back on the methods sender link with the same correlation id and
/// <c>IoThub-status</c>. Answered off the receive path, so a slow method never holds up the connection.
/// </summary>
public sealed partial class AmqpHubClient
{
    void OnMethodCall(Connection connection, ReceivingAmqpLink link, AmqpMessage message)
    {
        MethodCall call;
        using (message)
        {
            Settle(link, message);
            if (Decode(message, "methods", AmqpCloudMessages.ReadMethodCall) is not { } decoded)
            {
                return;
            }

            call = decoded;
        }

        if (call.CorrelationId is null)
        {
            LogMethodWithoutId(logger, call.Name ?? "(none)", endpoint);
            return;
        }

        _ = AnswerMethodAsync(connection, call);
    }

    async Task AnswerMethodAsync(Connection connection, MethodCall call)
    {
        var answer = await InvokeAsync(call);
        if (connection.MethodsSender is not { State: AmqpObjectState.Opened } sender)
        {
            LogMethodAnswerLost(logger, call.Name ?? "(none)", answer.Status, "the methods link is closed");
            return;
        }

        try
        {
            using var response = AmqpCloudMessages.MethodResponse(call.CorrelationId!, answer);
            using var timeout = new CancellationTokenSource(device.OperationTimeout);
            await sender.SendMessageAsync(response, new ArraySegment<byte>(Guid.NewGuid().ToByteArray()), AmqpConstants.NullBinary, timeout.Token);
        }
        catch (Exception ex) when (ex is AmqpException or IOException or ObjectDisposedException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            LogMethodAnswerLost(logger, call.Name ?? "(none)", answer.Status, ex.Message);
        }
    }

    async Task<MethodAnswer> InvokeAsync(MethodCall call)
    {
        if (call.Name is null)
        {
            return new MethodAnswer(400, """{"error":"the call names no method (IoThub-methodname)"}""");
        }

        try
        {
            return cloudListener is null
                ? new MethodAnswer(501, """{"error":"this device handles no direct methods"}""")
                : await cloudListener.InvokeAsync(call.Name, call.Payload, CancellationToken.None);
        }
#pragma warning disable CA1031 // A failing handler answers 500 instead of leaving the caller to time out.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogMethodFailed(logger, call.Name, ex);
            return new MethodAnswer(500, """{"error":"the method failed on the device; see its log"}""");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Direct method {Method} failed; answered 500")]
    private static partial void LogMethodFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer {Status} to direct method {Method} was not sent: {Detail}")]
    private static partial void LogMethodAnswerLost(ILogger logger, string method, int status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a direct-method call {Method} from {Endpoint} without a correlation id: it could not be answered")]
    private static partial void LogMethodWithoutId(ILogger logger, string method, string endpoint);
}
