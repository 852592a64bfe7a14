using EdgeSensorModule.Configuration;
using EdgeSensorModule.IotHub;
using EdgeSensorModule.Outbox;
using IotHub.Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Telemetry;

/// <summary>
/// The one owner of the hub connection: a supervised loop that connects, sends what the outbox holds (up to
/// <c>Telemetry__MaxInFlight</c> awaiting acknowledgement), removes what the hub acknowledged, and on any failure
/// waits (capped exponential backoff; slower for authentication failures) and connects again. It never gives up.
/// When sampling has stopped (<c>Telemetry__MessageCount</c>) and the outbox is empty, it stops the module.
/// </summary>
public sealed partial class DeliveryService(
    IHubClient hub,
    IOutbox outbox,
    ClientIdentity identity,
    IOptions<TelemetryOptions> telemetry,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<DeliveryService> logger) : BackgroundService
{
    static readonly TimeSpan ClockRecheck = TimeSpan.FromSeconds(10);

    readonly Backoff transientBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    readonly Backoff authenticationBackoff = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));

    /// <summary>Messages the hub has acknowledged since start.</summary>
    public long Delivered { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: unacknowledged messages stay in the outbox.
        }
        finally
        {
            await hub.DisconnectAsync(CancellationToken.None);
        }
    }

    async Task RunAsync(CancellationToken stoppingToken)
    {
        var maxInFlight = telemetry.Value.MaxInFlight;
        while (true)
        {
            var batch = await outbox.PeekAsync(maxInFlight, stoppingToken);
            if (batch.Count == 0)
            {
                LogAllDelivered(logger, Delivered);
                lifetime.StopApplication();
                return;
            }

            try
            {
                await WaitForValidClockAsync(stoppingToken);
                await hub.ConnectAsync(stoppingToken);
                await SendAsync(batch, stoppingToken);
                transientBackoff.Reset();
                authenticationBackoff.Reset();
            }
            catch (HubException ex)
            {
                var delay = ex.IsTransient ? transientBackoff.Next() : authenticationBackoff.Next();
                if (ex.IsTransient)
                {
                    LogTransientFailure(logger, ex.ErrorCode, ex.Message, outbox.Count, delay.TotalSeconds);
                }
                else
                {
                    LogPersistentFailure(logger, ex.ErrorCode, ex.Message, outbox.Count, delay.TotalSeconds);
                }

                await hub.DisconnectAsync(stoppingToken);
                await Task.Delay(delay, clock, stoppingToken);
            }
        }
    }

    /// <summary>Sends a batch concurrently; removes every message the hub acknowledged, then reports the first failure.</summary>
    async Task SendAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken stoppingToken)
    {
        var sends = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            sends[i] = hub.SendAsync(batch[i].Message, stoppingToken);
        }

        try
        {
            await Task.WhenAll(sends);
        }
        catch (HubException)
        {
            // Handled below: keep what was acknowledged, report the first failure.
        }

        var acknowledged = new List<OutboxMessage>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (sends[i].IsCompletedSuccessfully)
            {
                acknowledged.Add(batch[i]);
            }
        }

        await outbox.RemoveAsync(acknowledged, CancellationToken.None);
        Delivered += acknowledged.Count;
        var failed = sends.FirstOrDefault(s => s.IsFaulted || s.IsCanceled);
        if (failed is not null)
        {
            await failed; // rethrows the HubException (or the cancellation on shutdown)
        }
    }

    /// <summary>A Pi without a real-time clock boots in the past: wait for time sync instead of failing TLS.</summary>
    async Task WaitForValidClockAsync(CancellationToken stoppingToken)
    {
        while (CertificateValidity.Check(identity.Certificate, clock.GetUtcNow()) == ValidityState.NotYetValid)
        {
            LogClockBehind(logger, CertificateValidity.Describe(identity.Certificate, ValidityState.NotYetValid, clock.GetUtcNow(), "Device__CertificatePath"), ClockRecheck);
            await Task.Delay(ClockRecheck, clock, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} readings delivered; stopping")]
    private static partial void LogAllDelivered(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Code}: {Reason} {Pending} readings kept; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogTransientFailure(ILogger logger, HubErrorCode code, string reason, int pending, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Code}: {Reason} {Pending} readings kept; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogPersistentFailure(ILogger logger, HubErrorCode code, string reason, int pending, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem} Checking again in {Delay}")]
    private static partial void LogClockBehind(ILogger logger, string problem, TimeSpan delay);
}
