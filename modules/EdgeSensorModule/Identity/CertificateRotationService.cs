using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using IotHub.Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Identity;

/// <summary>
/// Certificate rotation without a restart. Every <c>Device__CertificateCheckInterval</c> it fingerprints the identity's
/// files (<see cref="IdentityFiles"/>); when they changed and then stayed the same for a moment (a writer may be between
/// the certificate and the key), it loads and checks the new identity as at startup (key, CN, validity, chain) and
/// makes it current. Delivery sees the old identity superseded and reconnects with the new one; readings wait in the
/// outbox meanwhile. A new identity that fails a check is not used: the old one stays, and one line says what is
/// wrong with the new files, once per change. It also reports the certificate's expiry (<see cref="ExpiryWarnings"/>).
/// </summary>
public sealed partial class CertificateRotationService(
    ClientIdentitySource identities,
    IOptions<DeviceOptions> options,
    ExpiryWarnings expiry,
    TimeProvider clock,
    ILogger<CertificateRotationService> logger) : BackgroundService
{
    /// <summary>How long changed files must stay unchanged before they are judged.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    readonly IdentityFiles files = new(options.Value);
    string judged = identities.LoadedFrom;
    DateTimeOffset? judgeAgainAt;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (judged.Length == 0)
        {
            judged = files.Fingerprint();
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            expiry.Check(identities.Current.Certificate);
            await Task.Delay(options.Value.CertificateCheckInterval, clock, stoppingToken);
            await PollAsync(stoppingToken);
        }
    }

    /// <summary>One look at the files: judges them when they changed and settled.</summary>
    internal async Task PollAsync(CancellationToken cancellationToken)
    {
        var seen = files.Fingerprint();
        var due = judgeAgainAt is { } at && clock.GetUtcNow() >= at;
        if (seen == judged && !due)
        {
            return;
        }

        await Task.Delay(Settle, clock, cancellationToken);
        if (files.Fingerprint() != seen)
        {
            return; // still being written: judged at a later look
        }

        judged = seen;
        judgeAgainAt = null;
        Judge();
    }

    void Judge()
    {
        var device = options.Value;
        var current = identities.Current;
        ClientIdentity next;
        try
        {
            next = DeviceIdentity.LoadReplacement(device, clock.GetUtcNow());
        }
        catch (NotYetValidException ex)
        {
            judgeAgainAt = ex.NotBefore;
            LogNotYet(logger, ex.Message, ex.NotBefore, current.Certificate.Subject, current.Certificate.Thumbprint);
            return;
        }
        catch (CertificateException ex)
        {
            LogRefused(logger, ex.Message, current.Certificate.Subject, current.Certificate.Thumbprint, current.Certificate.NotAfter);
            return;
        }

        if (SameIdentity(next, current.Identity))
        {
            next.Dispose(); // rewritten with the same content, or a password file touched
            return;
        }

        var replacement = identities.Replace(next);
        LogSwitching(logger, replacement.Certificate.Subject, replacement.Certificate.Thumbprint, replacement.Certificate.NotAfter, current.Certificate.Thumbprint);
        expiry.Check(replacement.Certificate);
    }

    static bool SameIdentity(ClientIdentity a, ClientIdentity b) =>
        a.Certificate.RawDataMemory.Span.SequenceEqual(b.Certificate.RawDataMemory.Span)
        && a.Chain.Count == b.Chain.Count
        && a.Chain.Zip(b.Chain).All(pair => pair.First.RawDataMemory.Span.SequenceEqual(pair.Second.RawDataMemory.Span));

    [LoggerMessage(Level = LogLevel.Information, Message = "The certificate files changed: switching to '{Subject}' (SHA-256 {Thumbprint}, valid until {NotAfter:yyyy-MM-dd HH:mm} UTC) "
        + "at a reconnect now, from SHA-256 {Previous}; readings wait in the outbox meanwhile")]
    private static partial void LogSwitching(ILogger logger, string subject, string thumbprint, DateTimeOffset notAfter, string previous);

    [LoggerMessage(Level = LogLevel.Error, Message = "The changed certificate files are not used: {Problem} The module keeps the certificate in use, '{Subject}' "
        + "(SHA-256 {Thumbprint}, valid until {NotAfter:yyyy-MM-dd HH:mm} UTC), and takes new files as soon as they are written")]
    private static partial void LogRefused(ILogger logger, string problem, string subject, string thumbprint, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The changed certificate files are not used yet: {Problem} The module keeps '{Subject}' (SHA-256 {Thumbprint}) "
        + "and switches at {NotBefore:yyyy-MM-dd HH:mm:ss} UTC")]
    private static partial void LogNotYet(ILogger logger, string problem, DateTimeOffset notBefore, string subject, string thumbprint);
}
