using System.Text.Json.Serialization;

namespace IotHub.Protocol.Provisioning;

/// <summary>Values of <c>status</c> in an operation's answer and in its registration state.</summary>
public static class DpsStatus
{
    /// <summary>Still working: poll again after retry-after.</summary>
    public const string Assigning = "assigning";

    /// <summary>Done: <see cref="DpsRegistrationState.AssignedHub"/> and <see cref="DpsRegistrationState.DeviceId"/> are set.</summary>
    public const string Assigned = "assigned";

    /// <summary>Refused; <see cref="DpsRegistrationState.ErrorCode"/> and <see cref="DpsRegistrationState.ErrorMessage"/> say why.</summary>
    public const string Failed = "failed";

    /// <summary>The enrollment is disabled.</summary>
    public const string Disabled = "disabled";
}

/// <summary>The register request's body: <c>{"registrationId":"..."}</c> (the Node SDK sends it; C# may send none).</summary>
/// <param name="RegistrationId">The certificate's CN.</param>
public sealed record DpsRegistrationRequest([property: JsonPropertyName("registrationId")] string? RegistrationId);

/// <summary>The answer to a register or poll request (RegistrationOperationStatus).</summary>
/// <param name="OperationId">Names the operation to poll.</param>
/// <param name="Status">One of <see cref="DpsStatus"/>.</param>
/// <param name="RegistrationState">Present once the operation has a result.</param>
public sealed record DpsOperationStatus(
    [property: JsonPropertyName("operationId")] string OperationId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("registrationState")] DpsRegistrationState? RegistrationState = null);

/// <summary>The device's registration (DeviceRegistrationResult).</summary>
/// <param name="RegistrationId">The registration id (certificate CN).</param>
/// <param name="Status">One of <see cref="DpsStatus"/>.</param>
/// <param name="AssignedHub">The hub's host name, when assigned.</param>
/// <param name="DeviceId">The device id in that hub, when assigned.</param>
/// <param name="Substatus"><c>initialAssignment</c>, <c>deviceDataMigrated</c> or <c>deviceDataReset</c>.</param>
/// <param name="ErrorCode">Why it failed, when it did.</param>
/// <param name="ErrorMessage">Why it failed, in words.</param>
public sealed record DpsRegistrationState(
    [property: JsonPropertyName("registrationId")] string RegistrationId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("assignedHub")] string? AssignedHub = null,
    [property: JsonPropertyName("deviceId")] string? DeviceId = null,
    [property: JsonPropertyName("substatus")] string? Substatus = null,
    [property: JsonPropertyName("errorCode")] int? ErrorCode = null,
    [property: JsonPropertyName("errorMessage")] string? ErrorMessage = null);

/// <summary>The body of an error answer (status 400 and up).</summary>
/// <param name="ErrorCode">DPS's six-digit code, e.g. 401002.</param>
/// <param name="Message">The reason.</param>
/// <param name="TrackingId">Correlates with the service's logs.</param>
public sealed record DpsError(
    [property: JsonPropertyName("errorCode")] int ErrorCode,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("trackingId")] string? TrackingId = null);

/// <summary>
/// Error codes of the error body. The service documents only their HTTP status classes (400, 401, 404, 429, 5xx); the
/// simulator answers with these so a device can say exactly what is wrong, and a device decides by the status class
/// when a code is not one of these.
/// </summary>
public static class DpsErrorCodes
{
    /// <summary>404: the id scope names no DPS instance.</summary>
    public const int UnknownIdScope = 404001;

    /// <summary>404: a poll named an operation the service does not know.</summary>
    public const int OperationNotFound = 404002;

    /// <summary>400: the request is malformed.</summary>
    public const int BadRequest = 400000;

    /// <summary>401: the certificate is not accepted (no enrollment, untrusted CA, CN mismatch).</summary>
    public const int Unauthorized = 401002;

    /// <summary>404: no enrollment matches this device.</summary>
    public const int EnrollmentNotFound = 404201;

    /// <summary>429: too many requests; wait retry-after.</summary>
    public const int Throttled = 429001;

    /// <summary>The enrollment is disabled (in a failed registration state).</summary>
    public const int EnrollmentDisabled = 401003;
}

/// <summary>Source-generated JSON for the DPS bodies (AOT).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DpsRegistrationRequest))]
[JsonSerializable(typeof(DpsOperationStatus))]
[JsonSerializable(typeof(DpsError))]
public sealed partial class DpsJsonContext : JsonSerializerContext;
