using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Methods;
using EdgeSensorModule.Retry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Twin;

/// <summary>
/// The module's device twin. At start it restores the desired settings last applied (<c>twin-desired.json</c> next to
/// the outbox), so a restart without network keeps the remote settings. On every (re)connect it reads the whole twin
/// (the hub does not replay patches made while the device was offline) and applies a desired <c>$version</c> newer
/// than the one applied; patches pushed while connected are applied the same way. Each applied or refused property is
/// acknowledged in reported properties in the Plug and Play format; the module's status is reported on connect, after
/// a change of settings, and at most once a minute when it changed. Twin requests that get no answer (a plain MQTT
/// broker) time out and are retried with backoff, without touching telemetry.
/// </summary>
public sealed partial class TwinService(
    ICloudChannel channel,
    LiveSettings live,
    StatusReport status,
    DirectMethods methods,
    IOptions<OutboxOptions> outbox,
    TimeProvider clock,
    ILogger<TwinService> logger) : BackgroundService, ICloudListener
{
    /// <summary>How often the status is looked at; it is reported when it changed.</summary>
    public static readonly TimeSpan StatusPeriod = TimeSpan.FromMinutes(1);

    readonly Channel<TwinEvent> events = Channel.CreateUnbounded<TwinEvent>(new UnboundedChannelOptions { SingleReader = true });
    readonly AppliedDesiredFile file = new(Path.Combine(outbox.Value.Path, AppliedDesiredFile.FileName));
    readonly JsonObject unsent = [];
    long appliedVersion;
    string? lastStatus;
    readonly Backoff pauseBackoff = new(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
    bool twinAnswered;
    int closedOnRequest;
    DateTimeOffset pausedUntil;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Restore();
        channel.Listen(this);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Connected() => events.Writer.TryWrite(new TwinEvent(null));

    /// <inheritdoc />
    public void DesiredPatch(string patchJson) => events.Writer.TryWrite(new TwinEvent(patchJson));

    /// <inheritdoc />
    public Task<MethodAnswer> InvokeAsync(string methodName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        methods.InvokeAsync(methodName, payload, cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextStatus = clock.GetUtcNow() + StatusPeriod;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (await NextEventAsync(nextStatus - clock.GetUtcNow(), stoppingToken) is not { } item)
                {
                    nextStatus = clock.GetUtcNow() + StatusPeriod;
                    await ReportStatusAsync(onlyWhenChanged: true, stoppingToken);
                }
                else if (item.Patch is null)
                {
                    await SynchronizeAsync(stoppingToken);
                }
                else
                {
                    await ApplyPatchAsync(item.Patch, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>The next connect or patch; null when <paramref name="wait"/> passed first.</summary>
    async Task<TwinEvent?> NextEventAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        using var timer = new CancellationTokenSource(wait, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
        try
        {
            return await events.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// After a connect: read the whole twin (retried while it gets no answer), apply it if newer, report. A server that
    /// closes the connection when asked for the twin twice in a row (a plain MQTT broker whose ACL refuses
    /// <c>$iothub/</c> topics: mosquitto disconnects on a denied publish) is asked again only after a growing pause, so
    /// telemetry is not disturbed by a reconnect per request.
    /// </summary>
    async Task SynchronizeAsync(CancellationToken stoppingToken)
    {
        twinAnswered = false;
        if (pausedUntil - clock.GetUtcNow() is { } pause && pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, clock, stoppingToken);
        }

        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        var attempt = 0;
        string twin;
        while (true)
        {
            if (!channel.IsConnected || (events.Reader.TryPeek(out var next) && next.Patch is null))
            {
                return; // the next connect starts again
            }

            try
            {
                twin = await channel.GetTwinAsync(stoppingToken);
                break;
            }
            catch (HubException ex) when (ex.ErrorCode == HubErrorCode.ConnectionLost)
            {
                if (++closedOnRequest >= 2)
                {
                    var wait = pauseBackoff.Next();
                    pausedUntil = clock.GetUtcNow() + wait;
                    LogTwinClosesConnection(logger, closedOnRequest, wait);
                }

                return;
            }
            catch (HubException ex)
            {
                var delay = backoff.Next();
                if (attempt++ == 0)
                {
                    LogTwinUnanswered(logger, ex.Message, delay.TotalSeconds);
                }

                await Task.Delay(delay, clock, stoppingToken);
            }
        }

        closedOnRequest = 0;
        pauseBackoff.Reset();
        twinAnswered = true;
        var desired = Desired(twin);
        var update = desired is null ? null : DesiredPropertiesParser.Apply(DesiredSettings.None, desired);
        LogTwinRead(logger, attempt, update?.Version ?? 0, appliedVersion);
        if (update?.Version is { } version && version > appliedVersion)
        {
            Apply(update, version);
        }

        await ReportStatusAsync(onlyWhenChanged: false, stoppingToken);
    }

    async Task ApplyPatchAsync(string patch, CancellationToken stoppingToken)
    {
        var update = DesiredPropertiesParser.Apply(live.Desired, patch);
        if (update.Version is not { } version || version <= appliedVersion)
        {
            return; // an old patch: the twin read on connect already had it
        }

        if (version > appliedVersion + 1 || !twinAnswered)
        {
            await SynchronizeAsync(stoppingToken); // a patch was missed: the whole twin says what is in effect
            return;
        }

        Apply(update, version);
        await ReportStatusAsync(onlyWhenChanged: false, stoppingToken);
    }

    void Apply(DesiredUpdate update, long version)
    {
        appliedVersion = version;
        live.Apply(update.Settings);
        var acks = update.Acks.Select(a => a.Value is null ? a with { Value = InEffect(a.Name) } : a).ToList();
        foreach (var ack in acks)
        {
            if (ack.Code == PropertyAck.Applied)
            {
                LogApplied(logger, ack.Name, ack.Value?.ToJsonString() ?? "the module's setting", version);
            }
            else
            {
                LogRefused(logger, ack.Name, version, ack.Description, ack.Value?.ToJsonString() ?? "none");
            }
        }

        foreach (var (name, node) in JsonNode.Parse(ReportedAcks.ToPatchJson(acks, version))!.AsObject().ToList())
        {
            unsent[name] = node?.DeepClone();
        }

        try
        {
            file.Save(new AppliedDesired(version, update.Settings));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(logger, Path.Combine(outbox.Value.Path, AppliedDesiredFile.FileName), ex.Message);
        }
    }

    /// <summary>Sends the acknowledgements not yet confirmed and the status (when it changed, or always).</summary>
    async Task ReportStatusAsync(bool onlyWhenChanged, CancellationToken stoppingToken)
    {
        if (!twinAnswered)
        {
            return; // a server that does not answer twin requests is not sent reported patches either
        }

        var now = status.Build();
        var text = now.ToJsonString();
        if (!onlyWhenChanged || text != lastStatus)
        {
            foreach (var (name, node) in now.ToList())
            {
                unsent[name] = node?.DeepClone();
            }
        }

        if (unsent.Count == 0)
        {
            return;
        }

        try
        {
            await channel.PatchReportedAsync(unsent.ToJsonString(), stoppingToken);
            unsent.Clear();
            lastStatus = text;
        }
        catch (HubException ex)
        {
            LogReportFailed(logger, ex.Message);
        }
    }

    /// <summary>The value in effect of a writable property; null for an unknown name.</summary>
    JsonValue? InEffect(string name) => name switch
    {
        WritablePropertyNames.AlertThreshold => JsonValue.Create(live.Current.AlertThreshold),
        WritablePropertyNames.TelemetryInterval => JsonValue.Create(live.Current.TelemetryInterval.TotalSeconds),
        WritablePropertyNames.SendData => JsonValue.Create(live.Current.SendData),
        _ => null,
    };

    /// <summary>The desired section of a GET answer; null when the answer is not a twin.</summary>
    static string? Desired(string twin)
    {
        try
        {
            return JsonNode.Parse(twin) is JsonObject document && document["desired"] is JsonObject desired ? desired.ToJsonString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    void Restore()
    {
        var path = Path.Combine(outbox.Value.Path, AppliedDesiredFile.FileName);
        if (file.Load() is { } saved)
        {
            appliedVersion = saved.Version;
            live.Apply(saved.Settings);
            var now = live.Current;
            LogRestored(logger, saved.Version, path, now.AlertThreshold, now.TelemetryInterval, now.SendData);
        }
        else if (File.Exists(path))
        {
            LogUnreadable(logger, path);
        }
    }

    /// <summary>A connect (no patch) or a desired patch, in the order they arrived.</summary>
    readonly record struct TwinEvent(string? Patch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Remote settings of desired $version {Version} restored from {Path}: alert above {Threshold} °C, interval {Interval}, sendData {SendData}")]
    private static partial void LogRestored(ILogger logger, long version, string path, double threshold, TimeSpan interval, bool sendData);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} cannot be read; the environment settings apply until the twin is read. Delete the file if it keeps failing")]
    private static partial void LogUnreadable(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twin not read: {Reason} Telemetry is not affected; retrying in {DelaySeconds:0.0} s and on each reconnect (a plain MQTT broker never answers)")]
    private static partial void LogTwinUnanswered(ILogger logger, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server closed the connection when asked for the twin ({Times} times in a row: a plain MQTT broker refusing $iothub/ topics?); twin requests pause for {Pause} so telemetry is not disturbed")]
    private static partial void LogTwinClosesConnection(ILogger logger, int times, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twin read (after {Unanswered} unanswered requests): desired $version {Version}, applied so far {Applied}")]
    private static partial void LogTwinRead(ILogger logger, int unanswered, long version, long applied);

    [LoggerMessage(Level = LogLevel.Information, Message = "Desired {Name} = {Value} applied (desired $version {Version})")]
    private static partial void LogApplied(ILogger logger, string name, string value, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Desired {Name} refused (desired $version {Version}): {Reason}; the value in effect stays {Value} (reported with ac 400)")]
    private static partial void LogRefused(ILogger logger, string name, long version, string reason, string value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The applied remote settings could not be saved to {Path} ({Reason}); after a restart without network the environment settings would apply")]
    private static partial void LogSaveFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reported properties not sent ({Reason}); sent again later")]
    private static partial void LogReportFailed(ILogger logger, string reason);
}
