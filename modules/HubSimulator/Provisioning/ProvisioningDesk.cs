using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HubSimulator.Hosting;
using HubSimulator.Registry;
using IotHub.Protocol.Provisioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSimulator.Provisioning;

/// <summary>
/// DPS's registration logic, apart from MQTT: judge a registration (<see cref="Attestation"/>), create the device in
/// the hub's registry, answer "assigning" with a retry-after, then "assigned" when polled.
/// </summary>
public sealed partial class ProvisioningDesk(
    IOptions<SimulatorOptions> options,
    Attestation attestation,
    DeviceRegistry registry,
    ILogger<ProvisioningDesk> logger)
{
    /// <summary>What the device is told to wait before polling.</summary>
    public static readonly TimeSpan PollAfter = TimeSpan.FromSeconds(1);

    readonly ConcurrentDictionary<string, DpsOperationStatus> operations = new(StringComparer.Ordinal);

    /// <summary>Registers a device: 202 with an operation to poll, or 4xx with the reason.</summary>
    public DeskAnswer Register(string idScope, string registrationId, X509Certificate2 certificate, IReadOnlyList<X509Certificate2> sentChain)
    {
        var settings = options.Value;
        if (!string.Equals(idScope, settings.IdScope, StringComparison.OrdinalIgnoreCase))
        {
            return Refused(registrationId, 404, DpsErrorCodes.UnknownIdScope, $"id scope '{idScope}' is not this DPS instance's ({settings.IdScope})");
        }

        var result = attestation.Judge(registrationId, certificate, sentChain);
        if (!result.Accepted)
        {
            return Refused(registrationId, result.Status, result.ErrorCode, result.How);
        }

        if (registry.FindDevice(result.DeviceId!) is null)
        {
            registry.AddDevice(result.DeviceId!, result.Thumbprint is null ? DeviceAuthentication.CaSigned : DeviceAuthentication.SelfSigned, result.Thumbprint);
        }

        var operationId = $"4.{Guid.NewGuid():N}";
        operations[operationId] = new DpsOperationStatus(operationId, DpsStatus.Assigned,
            new DpsRegistrationState(registrationId, DpsStatus.Assigned, settings.PublicHostName, result.DeviceId, "initialAssignment"));
        LogAssigned(logger, registrationId, result.How, result.DeviceId!, settings.PublicHostName);
        return Json(202, PollAfter, new DpsOperationStatus(operationId, DpsStatus.Assigning));
    }

    /// <summary>Answers a poll: the operation's result, or 404 when there is no such operation for this device.</summary>
    public DeskAnswer Poll(string registrationId, string operationId) =>
        operations.TryGetValue(operationId, out var status) && status.RegistrationState?.RegistrationId == registrationId
            ? Json(200, null, status)
            : DeskAnswer.Error(404, DpsErrorCodes.OperationNotFound, $"no operation '{operationId}' for registration '{registrationId}'; register again");

    DeskAnswer Refused(string registrationId, int status, int code, string reason)
    {
        LogRefused(logger, registrationId, status, reason);
        return DeskAnswer.Error(status, code, reason);
    }

    static DeskAnswer Json(int status, TimeSpan? retryAfter, DpsOperationStatus body) =>
        new(status, retryAfter, JsonSerializer.SerializeToUtf8Bytes(body, DpsJsonContext.Default.DpsOperationStatus));

    [LoggerMessage(Level = LogLevel.Information, Message = "DPS assigned '{RegistrationId}' ({How}) as device '{DeviceId}' to hub {HubHost}")]
    private static partial void LogAssigned(ILogger logger, string registrationId, string how, string deviceId, string hubHost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DPS refused registration '{RegistrationId}' with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string registrationId, int status, string reason);
}
