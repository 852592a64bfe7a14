using System.Text.Json;
using IotHub.Protocol.Provisioning;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.Provisioning;

/// <summary>
/// Registers the device with DPS and waits for its assignment: register, then poll the operation after each
/// retry-after the service gives (2 s when it gives none, as the SDKs do), until "assigned". A 429 is waited out with
/// its retry-after a few times, then reported as <see cref="DpsFailure.Throttled"/> so the caller waits longer. Every
/// refusal becomes a <see cref="DpsException"/> whose message is the one line to log.
/// </summary>
public sealed partial class DpsRegistrar(
    Func<IDpsChannel> openChannel,
    string idScope,
    string registrationId,
    string endpoint,
    TimeProvider clock,
    ILogger<DpsRegistrar> logger,
    Func<TimeSpan, CancellationToken, Task>? wait = null)
{
    /// <summary>Poll interval when DPS gives no retry-after (the SDKs' default).</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(2);

    /// <summary>How many 429s in a row are waited out within one registration.</summary>
    public const int MaxThrottleWaits = 3;

    /// <summary>Longest retry-after waited out within one registration; a longer one is left to the caller.</summary>
    public static readonly TimeSpan MaxInlineWait = TimeSpan.FromSeconds(30);

    /// <summary>Polls before giving up on an operation that stays "assigning".</summary>
    public const int MaxPolls = 30;

    readonly Func<TimeSpan, CancellationToken, Task> wait = wait ?? ((delay, token) => Task.Delay(delay, clock, token));

    /// <summary>The registration id (the certificate's CN).</summary>
    public string RegistrationId => registrationId;

    /// <summary>The id scope.</summary>
    public string IdScope => idScope;

    /// <summary>Registers and returns the assignment; throws <see cref="DpsException"/>.</summary>
    public async Task<DpsAssignment> RegisterAsync(CancellationToken cancellationToken)
    {
        LogRegistering(logger, registrationId, endpoint, idScope);
        await using var channel = openChannel();
        var body = JsonSerializer.SerializeToUtf8Bytes(new DpsRegistrationRequest(registrationId), DpsJsonContext.Default.DpsRegistrationRequest);
        var requestId = NewRequestId();
        var response = await SendAsync(channel, DpsTopics.Register(requestId), requestId, body, cancellationToken);
        for (var polls = 0; ; polls++)
        {
            var operation = ReadOperation(response);
            if (operation.Status == DpsStatus.Assigned && operation.RegistrationState is { AssignedHub.Length: > 0, DeviceId.Length: > 0 } state)
            {
                return new DpsAssignment(state.AssignedHub!, state.DeviceId!, idScope, registrationId, clock.GetUtcNow());
            }

            if (operation.Status is not (DpsStatus.Assigning or "unassigned") || polls >= MaxPolls)
            {
                throw Failed(operation, polls);
            }

            await wait(response.RetryAfter ?? DefaultPollInterval, cancellationToken);
            requestId = NewRequestId();
            response = await SendAsync(channel, DpsTopics.Poll(requestId, operation.OperationId), requestId, [], cancellationToken);
        }
    }

    /// <summary>Sends one request; waits out a few short 429s with their retry-after; refusals become <see cref="DpsException"/>.</summary>
    async Task<DpsResponse> SendAsync(IDpsChannel channel, string topic, string requestId, byte[] body, CancellationToken cancellationToken)
    {
        for (var throttled = 0; ; throttled++)
        {
            var response = await channel.RequestAsync(topic, requestId, body, cancellationToken);
            if (response.Status is 200 or 202)
            {
                return response;
            }

            var error = Classify(response);
            if (error.Failure != DpsFailure.Throttled || throttled >= MaxThrottleWaits || error.RetryAfter > MaxInlineWait)
            {
                throw error;
            }

            var delay = error.RetryAfter ?? DefaultPollInterval;
            LogThrottled(logger, delay.TotalSeconds);
            await wait(delay, cancellationToken);
        }
    }

    DpsException Classify(DpsResponse response)
    {
        var error = TryRead(response.Body, DpsJsonContext.Default.DpsError);
        var reason = error?.Message ?? $"status {response.Status}";
        var code = error?.ErrorCode ?? 0;
        return (response.Status, code) switch
        {
            (429, _) => new DpsException(DpsFailure.Throttled,
                $"DPS throttled the registration of '{registrationId}' (429); waiting {(response.RetryAfter ?? DefaultPollInterval).TotalSeconds:0} s as it asked.", response.RetryAfter),
            ( >= 500, _) => new DpsException(DpsFailure.ServiceUnavailable, $"DPS at {endpoint} is failing ({response.Status}: {reason}); trying again later.", response.RetryAfter),
            (_, DpsErrorCodes.UnknownIdScope) => new DpsException(DpsFailure.UnknownIdScope,
                $"Provisioning__IdScope '{idScope}' names no DPS instance at {endpoint} ({reason}): copy the ID Scope from the DPS overview page."),
            (_, DpsErrorCodes.EnrollmentDisabled) => new DpsException(DpsFailure.EnrollmentDisabled,
                $"DPS refused '{registrationId}': its enrollment is disabled ({reason}); enable the enrollment (or its group) in DPS if this device should run."),
            (404, _) => new DpsException(DpsFailure.NoEnrollment,
                $"DPS has no enrollment for '{registrationId}' ({reason}): add an enrollment group for the CA that issued its certificate (after proof of possession) or an individual enrollment."),
            (401 or 403, _) => new DpsException(DpsFailure.Unauthorized,
                $"DPS does not accept the certificate of '{registrationId}' ({reason}): the CA must be verified in DPS and the chain sent (Device__CertificatePath with its intermediates)."),
            _ => new DpsException(DpsFailure.Failed, $"DPS refused the registration of '{registrationId}' with {response.Status}: {reason}."),
        };
    }

    DpsException Failed(DpsOperationStatus operation, int polls)
    {
        var state = operation.RegistrationState;
        return operation.Status switch
        {
            DpsStatus.Disabled => new DpsException(DpsFailure.EnrollmentDisabled,
                $"DPS refused '{registrationId}': its enrollment is disabled ({state?.ErrorMessage ?? "status disabled"}); enable it in DPS if this device should run."),
            DpsStatus.Failed => new DpsException(DpsFailure.Failed,
                $"DPS could not assign '{registrationId}' ({state?.ErrorCode}: {state?.ErrorMessage}); check the enrollment's allocation policy and linked hubs."),
            DpsStatus.Assigned => new DpsException(DpsFailure.Failed, $"DPS answered 'assigned' without a hub or device id for '{registrationId}'."),
            _ when polls >= MaxPolls => new DpsException(DpsFailure.ServiceUnavailable, $"DPS was still '{operation.Status}' for '{registrationId}' after {polls} polls; trying again later."),
            _ => new DpsException(DpsFailure.Failed, $"DPS answered status '{operation.Status}' for '{registrationId}', which this module does not know."),
        };
    }

    DpsOperationStatus ReadOperation(DpsResponse response) =>
        TryRead(response.Body, DpsJsonContext.Default.DpsOperationStatus) is { OperationId.Length: > 0 } operation
            ? operation
            : throw new DpsException(DpsFailure.Failed, $"DPS answered {response.Status} with a body that is not an operation status for '{registrationId}'.");

    static T? TryRead<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string NewRequestId() => Guid.NewGuid().ToString("N");

    [LoggerMessage(Level = LogLevel.Information, Message = "Registering '{RegistrationId}' with DPS at {Endpoint} (id scope {IdScope})")]
    private static partial void LogRegistering(ILogger logger, string registrationId, string endpoint, string idScope);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DPS throttled the registration (429); waiting {Seconds:0} s as it asked")]
    private static partial void LogThrottled(ILogger logger, double seconds);
}
