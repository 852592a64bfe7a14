using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using IotHub.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.Provisioning;

/// <summary>
/// The hub client when DPS is configured: connects to the hub DPS assigned (cached next to the outbox, so restarts do
/// not ask DPS), through the ordinary transport client made by <c>connect</c>. It asks DPS again when the hub refuses
/// the device as not authorized (it was moved or deleted: once, at once, then the caller's backoff governs) or the hub
/// has been unreachable for <c>Provisioning__ReprovisionAfter</c>. DPS's throttling is honoured: no request before its
/// retry-after has passed. DPS failures surface as <see cref="HubException"/>s carrying the one line that says what to fix.
/// </summary>
public sealed partial class ProvisionedHubClient(
    DeviceOptions device,
    ProvisioningOptions provisioning,
    DpsRegistrar registrar,
    AssignmentCache cache,
    CurrentHub current,
    Func<DeviceOptions, IHubClient> connect,
    TimeProvider clock,
    ILogger<ProvisionedHubClient> logger) : IHubClient, ICloudChannel
{
    IHubClient? inner;
    ICloudListener? cloudListener;
    DpsAssignment? assignment;
    bool skipCache;
    DateTimeOffset? unreachableSince;
    DateTimeOffset notBefore = DateTimeOffset.MinValue;

    /// <inheritdoc />
    public bool IsConnected => inner?.IsConnected ?? false;

    /// <inheritdoc />
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (IsConnected)
        {
            return;
        }

        var fresh = false;
        if (assignment is null)
        {
            var cached = skipCache ? null : cache.Load(registrar.IdScope, registrar.RegistrationId);
            if (cached is not null)
            {
                LogCached(logger, cached.DeviceId, cached.AssignedHub, cache.FilePath);
            }

            fresh = cached is null;
            await UseAsync(cached ?? await ProvisionAsync(cancellationToken));
        }

        try
        {
            await inner!.ConnectAsync(cancellationToken);
            unreachableSince = null;
        }
        catch (HubException ex) when (ex.ErrorCode == HubErrorCode.NotAuthorized && !fresh)
        {
            LogRefusedByHub(logger, assignment!.AssignedHub, assignment.DeviceId);
            await UseAsync(await ProvisionAsync(cancellationToken));
            await inner!.ConnectAsync(cancellationToken);
        }
        catch (HubException ex) when (ex.ErrorCode is HubErrorCode.Unreachable or HubErrorCode.Timeout)
        {
            var now = clock.GetUtcNow();
            unreachableSince ??= now;
            if (now - unreachableSince >= provisioning.ReprovisionAfter)
            {
                LogUnreachableTooLong(logger, assignment!.AssignedHub, provisioning.ReprovisionAfter);
                await DropAsync();
                skipCache = true;
                unreachableSince = null;
            }

            throw;
        }
    }

    /// <inheritdoc />
    public Task SendAsync(HubMessage message, CancellationToken cancellationToken) =>
        inner?.SendAsync(message, cancellationToken) ?? throw new HubException(HubErrorCode.ConnectionLost, "Not connected to a hub yet (DPS has not assigned one).");

    /// <inheritdoc />
    public Task DisconnectAsync(CancellationToken cancellationToken) => inner?.DisconnectAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await DropAsync();

    /// <inheritdoc />
    public void Listen(ICloudListener listener)
    {
        cloudListener = listener;
        (inner as ICloudChannel)?.Listen(listener);
    }

    /// <inheritdoc />
    public Task<string> GetTwinAsync(CancellationToken cancellationToken) => Channel().GetTwinAsync(cancellationToken);

    /// <inheritdoc />
    public Task PatchReportedAsync(string patchJson, CancellationToken cancellationToken) => Channel().PatchReportedAsync(patchJson, cancellationToken);

    ICloudChannel Channel() => inner as ICloudChannel
        ?? throw new HubException(HubErrorCode.ConnectionLost, "No twin channel: not connected to an assigned hub yet, or the transport has none.");

    async Task<DpsAssignment> ProvisionAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < notBefore)
        {
            throw new HubException(HubErrorCode.ServerUnavailable,
                $"DPS asked to wait before registering again; next attempt after {notBefore:HH:mm:ss} UTC ({(notBefore - now).TotalSeconds:0} s).");
        }

        try
        {
            var assigned = await registrar.RegisterAsync(cancellationToken);
            cache.Save(assigned);
            skipCache = false;
            LogProvisioned(logger, assigned.DeviceId, assigned.AssignedHub, cache.FilePath);
            return assigned;
        }
        catch (DpsException ex)
        {
            if (ex.RetryAfter is { } retryAfter)
            {
                notBefore = clock.GetUtcNow() + retryAfter;
            }

            var code = ex.Failure switch
            {
                DpsFailure.Unreachable => HubErrorCode.Unreachable,
                DpsFailure.Throttled or DpsFailure.ServiceUnavailable => HubErrorCode.ServerUnavailable,
                _ => HubErrorCode.NotAuthorized, // needs a change in DPS or the certificate: retried slowly
            };
            throw new HubException(code, ex.Message, ex);
        }
    }

    async Task UseAsync(DpsAssignment assigned)
    {
        await DropAsync();
        assignment = assigned;
        current.Assign(assigned.AssignedHub, assigned.DeviceId);
        inner = connect(device.AssignedTo(assigned.AssignedHub, assigned.DeviceId));
        if (cloudListener is not null)
        {
            (inner as ICloudChannel)?.Listen(cloudListener); // each new client hears the same listener
        }
    }

    async Task DropAsync()
    {
        if (inner is { } old)
        {
            inner = null;
            assignment = null;
            await old.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DPS assigned device '{DeviceId}' to hub {Hub} (kept in {CacheFile})")]
    private static partial void LogProvisioned(ILogger logger, string deviceId, string hub, string cacheFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the DPS assignment from {CacheFile}: device '{DeviceId}' on hub {Hub}")]
    private static partial void LogCachedCore(ILogger logger, string cacheFile, string deviceId, string hub);

    static void LogCached(ILogger logger, string deviceId, string hub, string cacheFile) => LogCachedCore(logger, cacheFile, deviceId, hub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub {Hub} refused device '{DeviceId}' as not authorized; asking DPS for its hub again (it may have been moved)")]
    private static partial void LogRefusedByHub(ILogger logger, string hub, string deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub {Hub} has been unreachable for Provisioning__ReprovisionAfter ({After}); asking DPS for its hub at the next attempt")]
    private static partial void LogUnreachableTooLong(ILogger logger, string hub, TimeSpan after);
}
