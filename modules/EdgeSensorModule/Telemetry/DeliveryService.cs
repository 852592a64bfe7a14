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
/// When sampling has stopped (<c>Telemetry__MessageCount</c>) and the outbox is empty, it stops the module. On
/// shutdown, sends already in flight get <c>Telemetry__ShutdownTimeout</c> to be acknowledged; the rest stays in the
/// outbox for the next start.
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
    static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(1);

    readonly Backoff transientBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    readonly Backoff authenticationBackoff = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));

    /// <summary>Messages the hub has acknowledged since start.</summary>
    public long Delivered { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Sends in flight are not cancelled by the stop signal itself, only when the shutdown grace runs out.
        using var sendCancellation = new CancellationTokenSource();
        using var grace = stoppingToken.Register(() => sendCancellation.CancelAfter(telemetry.Value.ShutdownTimeout));
        try
        {
            await RunAsync(stoppingToken, sendCancellation.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown while connecting or waiting: unacknowledged messages stay in the outbox.
        }
        finally
        {
            using var disconnect = new CancellationTokenSource(DisconnectTimeout);
            await hub.DisconnectAsync(disconnect.Token);
            if (stoppingToken.IsCancellationRequested)
            {
                LogStopped(logger, Delivered, outbox.Count);
            }
        }
    }

    async Task RunAsync(CancellationToken stoppingToken, CancellationToken sendToken)
    {
        var maxInFlight = telemetry.Value.MaxInFlight;
        while (!stoppingToken.IsCancellationRequested)
        {
            var batch = await outbox.PeekAsync(maxInFlight, stoppingToken);
            if (batch.Count == 0)
            {
                LogAllDelivered(logger, Delivered, outbox.Dropped);
                lifetime.StopApplication();
                return;
            }

            try
            {
                await WaitForValidClockAsync(stoppingToken);
                await hub.ConnectAsync(stoppingToken);
                await SendAsync(batch, sendToken);
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
    async Task SendAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken sendToken)
    {
        var sends = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            sends[i] = hub.SendAsync(batch[i].Message, sendToken);
        }

        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception ex) when (ex is HubException or OperationCanceledException)
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
        var failed = sends.FirstOrDefault(s => s.IsFaulted) ?? sends.FirstOrDefault(s => s.IsCanceled);
        if (failed is not null)
        {
            await failed; // rethrows the HubException (or the cancellation when the shutdown grace ran out)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} readings delivered ({Dropped} dropped by the outbox limits); stopping")]
    private static partial void LogAllDelivered(ILogger logger, long count, long dropped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped: {Delivered} readings delivered in this run, {Kept} kept in the outbox for the next start")]
    private static partial void LogStopped(ILogger logger, long delivered, int kept);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Code}: {Reason} {Pending} readings kept; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogTransientFailure(ILogger logger, HubErrorCode code, string reason, int pending, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Code}: {Reason} {Pending} readings kept; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogPersistentFailure(ILogger logger, HubErrorCode code, string reason, int pending, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem} Checking again in {Delay}")]
    private static partial void LogClockBehind(ILogger logger, string problem, TimeSpan delay);
}
