using System.Runtime.ExceptionServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Identity;
using EdgeSensorModule.Outbox;
using EdgeSensorModule.Retry;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Twin;
using IotHub.Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Delivery;

/// <summary>
/// The one owner of the hub connection: a supervised loop that connects, sends what the outbox holds in
/// <see cref="SendOrder"/> (up to <c>Telemetry__MaxInFlight</c> awaiting acknowledgement), acknowledges to the outbox
/// what the hub acknowledged, waits for <see cref="SampledReadings"/> when nothing is pending, and on any failure
/// waits (capped exponential backoff; slower for authentication failures) and connects again. It never gives up.
/// When sampling has stopped (<c>Telemetry__MessageCount</c>) and the outbox is empty, it stops the module. On
/// shutdown, sends already in flight get <c>Telemetry__ShutdownTimeout</c> to be acknowledged; the rest stays in the
/// outbox for the next start. While the twin's <c>sendData</c> is false it stays connected (for the twin and methods)
/// but sends nothing: readings stay in the outbox and go out, none lost, when it is true again. When a certificate
/// rotation supersedes the identity it connected with, it stops topping up the window, lets the sends in flight be
/// acknowledged, disconnects cleanly and connects with the new identity.
/// </summary>
public sealed partial class DeliveryService(
    IHubClient hub,
    IOutbox outbox,
    SampledReadings sampled,
    IClientIdentitySource identities,
    IOptions<TelemetryOptions> telemetry,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<DeliveryService> logger,
    LiveSettings? live = null,
    DeliveryProgress? progress = null) : BackgroundService
{
    static readonly TimeSpan ClockRecheck = TimeSpan.FromSeconds(10);
    static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(1);

    readonly Backoff transientBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    readonly Backoff authenticationBackoff = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));

    bool startupMemoryReleased;

    /// <summary>The identity of the current connection (read before connecting); null before the first.</summary>
    CurrentIdentity? connectedWith;

    /// <summary>Messages the hub has acknowledged since start.</summary>
    public long Delivered { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Sends in flight are not cancelled by the stop signal itself, only when the shutdown grace runs out.
        using var sendCancellation = new CancellationTokenSource();
        using var grace = stoppingToken.Register(() => sendCancellation.CancelAfter(telemetry.Value.ShutdownTimeout));
        if (live is not null)
        {
            live.Changed += sampled.Stored; // wakes the wait below: sendData may have changed
        }

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
            if (live is not null)
            {
                live.Changed -= sampled.Stored;
            }

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
            var ended = sampled.Ended; // read before the outbox: a reading stored after this wakes the wait below
            var paused = Paused;
            var batch = paused ? [] : SendOrder.Next(outbox, maxInFlight);
            var rotated = hub.IsConnected && connectedWith is { IsSuperseded: true };
            if (batch.Count == 0 && !(paused && !hub.IsConnected) && !rotated)
            {
                if (ended && !paused)
                {
                    LogAllDelivered(logger, Delivered, outbox.Dropped);
                    lifetime.StopApplication();
                    return;
                }

                await WaitForReadingsAsync(stoppingToken);
                continue;
            }

            try
            {
                if (rotated)
                {
                    LogSwitchingIdentity(logger, connectedWith!.Certificate.Thumbprint, identities.Current.Certificate.Thumbprint);
                    await hub.DisconnectAsync(stoppingToken);
                }

                if (!hub.IsConnected)
                {
                    await WaitForValidClockAsync(stoppingToken);
                    connectedWith = identities.Current;
                    await hub.ConnectAsync(stoppingToken);

                    // Connecting takes a while (handshake, timeouts) while sampling goes on: send what is pending now, so
                    // readings the outbox limits dropped meanwhile are not sent after all.
                    batch = paused ? [] : SendOrder.Next(outbox, maxInFlight);
                }

                if (batch.Count > 0)
                {
                    await SendAsync(batch, maxInFlight, stoppingToken, sendToken);
                }

                ReleaseStartupMemory();
                transientBackoff.Reset();
                authenticationBackoff.Reset();
            }
            catch (HubException caught)
            {
                var failedWith = connectedWith ?? identities.Current;
                var ex = ExpiredCertificate.Classify(caught, failedWith.Certificate, clock.GetUtcNow());
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
                await WaitBeforeRetryAsync(delay, failedWith, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Sends over the connection as a sliding window: up to <c>Telemetry__MaxInFlight</c> publishes outstanding, topped
    /// up from the outbox as soon as acknowledgements come back, so a PUBLISH answers every PUBACK. That matters: a
    /// broker that delays its PUBACKs behind Nagle's algorithm releases them only when our TCP acknowledgement arrives,
    /// which the kernel delays when we have nothing to send (measured in docs/performance.md). Acknowledged readings are
    /// removed before each top-up. After a failure nothing more is sent; the sends in flight are waited for, what was
    /// acknowledged is removed, and the first failure is reported.
    /// </summary>
    async Task SendAsync(IReadOnlyList<OutboxMessage> first, int maxInFlight, CancellationToken stoppingToken, CancellationToken sendToken)
    {
        var completions = Channel.CreateUnbounded<(OutboxMessage Message, Exception? Error)>(new() { SingleReader = true });
        var inFlight = new HashSet<long>();
        var acknowledged = new List<OutboxMessage>(maxInFlight);
        Exception? fault = null;
        OperationCanceledException? cancelled = null;
        Start(first);
        while (inFlight.Count > 0)
        {
            var completion = await completions.Reader.ReadAsync(CancellationToken.None);
            do
            {
                var (message, error) = completion;
                inFlight.Remove(message.SequenceNumber);
                switch (error)
                {
                    case null:
                        acknowledged.Add(message);
                        break;
                    case OperationCanceledException oce:
                        cancelled ??= oce;
                        break;
                    default:
                        fault ??= error;
                        break;
                }
            }
            while (completions.Reader.TryRead(out completion));

            if (fault is null && cancelled is null && !stoppingToken.IsCancellationRequested && !Paused && connectedWith is not { IsSuperseded: true })
            {
                Settle(acknowledged);
                Start(SendOrder.Next(outbox, maxInFlight - inFlight.Count, inFlight));
            }
        }

        Settle(acknowledged);
        if ((fault ?? cancelled) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure); // the HubException, or the cancellation when the shutdown grace ran out
        }

        void Start(IReadOnlyList<OutboxMessage> messages)
        {
            foreach (var message in messages)
            {
                inFlight.Add(message.SequenceNumber);
                _ = SendOneAsync(message, completions.Writer, sendToken);
            }
        }
    }

    /// <summary>Sends one message and reports its outcome, whatever it is, to the window.</summary>
    async Task SendOneAsync(OutboxMessage message, ChannelWriter<(OutboxMessage, Exception?)> done, CancellationToken sendToken)
    {
        Exception? error = null;
        try
        {
            await hub.SendAsync(message.Message, sendToken);
        }
#pragma warning disable CA1031 // Every failure goes back to the window, which rethrows it after the sends in flight end.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        done.TryWrite((message, error));
    }

    /// <summary>The twin's <c>sendData</c> is false.</summary>
    bool Paused => live is { SendData: false };

    void Settle(List<OutboxMessage> acknowledged)
    {
        if (acknowledged.Count == 0)
        {
            return;
        }

        outbox.Acknowledge(acknowledged);
        Delivered += acknowledged.Count;
        progress?.Acknowledged(acknowledged.Max(m => m.SequenceNumber), clock.GetUtcNow());
        acknowledged.Clear();
    }

    /// <summary>
    /// Once, when the first readings are delivered (not before: it would delay the first message): start-up
    /// (configuration, certificates, the TLS handshake) leaves megabytes of garbage in heap regions the GC would
    /// otherwise keep committed for a long time; an aggressive collection gives them back to the OS, which is what a
    /// Pi's memory budget sees (measured in docs/performance.md).
    /// </summary>
    void ReleaseStartupMemory()
    {
        if (!startupMemoryReleased)
        {
            startupMemoryReleased = true;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>
    /// Waits <paramref name="delay"/> before connecting again, or less when a rotation replaces the identity that failed:
    /// a renewed certificate is tried at once, not after the slow backoff an expired one earned.
    /// </summary>
    async Task WaitBeforeRetryAsync(TimeSpan delay, CurrentIdentity failedWith, CancellationToken stoppingToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, failedWith.Superseded);
        try
        {
            await Task.Delay(delay, clock, either.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            transientBackoff.Reset();
            authenticationBackoff.Reset();
        }
    }

    /// <summary>
    /// Waits for a new reading; a rotation of the identity ends the wait too, so that an idle connection moves to the
    /// new certificate at once rather than at the next reading.
    /// </summary>
    async Task WaitForReadingsAsync(CancellationToken stoppingToken)
    {
        if (connectedWith is not { } connected || !hub.IsConnected)
        {
            await sampled.WaitAsync(stoppingToken);
            return;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, connected.Superseded);
        try
        {
            await sampled.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The identity was rotated: the loop reconnects with the new one now.
        }
    }

    /// <summary>A Pi without a real-time clock boots in the past: wait for time sync instead of failing TLS.</summary>
    async Task WaitForValidClockAsync(CancellationToken stoppingToken)
    {
        X509Certificate2 certificate;
        while (CertificateValidity.Check(certificate = identities.Current.Identity.Certificate, clock.GetUtcNow()) == ValidityState.NotYetValid)
        {
            LogClockBehind(logger, CertificateValidity.Describe(certificate, ValidityState.NotYetValid, clock.GetUtcNow(), "Device__CertificatePath"), ClockRecheck);
            await Task.Delay(ClockRecheck, clock, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} readings delivered ({Dropped} dropped by the outbox limits); stopping")]
    private static partial void LogAllDelivered(ILogger logger, long count, long dropped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped: {Delivered} readings delivered in this run, {Pending} not yet (the outbox says on closing which it keeps)")]
    private static partial void LogStopped(ILogger logger, long delivered, int pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Code}: {Reason} {Pending} readings kept; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogTransientFailure(ILogger logger, HubErrorCode code, string reason, int pending, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Code}: {Reason} {Pending} readings kept; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogPersistentFailure(ILogger logger, HubErrorCode code, string reason, int pending, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnecting to present the renewed certificate (SHA-256 {Thumbprint}) instead of {Previous}")]
    private static partial void LogSwitchingIdentity(ILogger logger, string previous, string thumbprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem} Checking again in {Delay}")]
    private static partial void LogClockBehind(ILogger logger, string problem, TimeSpan delay);
}
