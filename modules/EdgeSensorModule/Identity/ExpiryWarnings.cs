using IotHub.Certificates;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.Identity;

/// <summary>
/// Says, once a day, that the certificate in use expires within <c>Device__CertificateExpiryWarning</c> (a warning) or
/// has expired (an error): often enough to be seen in any log window, rarely enough not to bury the rest. A rotation
/// to another certificate starts afresh, so a renewal that is still too short is reported at once, and so does the
/// moment of expiry itself.
/// </summary>
public sealed partial class ExpiryWarnings(TimeSpan warnBefore, TimeProvider clock, ILogger<ExpiryWarnings> logger)
{
    /// <summary>How often the same certificate is reported.</summary>
    public static readonly TimeSpan Repeat = TimeSpan.FromDays(1);

    string? reportedThumbprint;
    bool reportedExpired;
    DateTimeOffset reportedAt;

    /// <summary>Reports <paramref name="certificate"/> if it is due; call it as often as convenient.</summary>
    public void Check(CertificateSummary certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = clock.GetUtcNow();
        var remaining = certificate.Remaining(now);
        var expired = remaining <= TimeSpan.Zero;
        if (!expired && (warnBefore <= TimeSpan.Zero || remaining > warnBefore))
        {
            return;
        }

        if (reportedThumbprint == certificate.Thumbprint && reportedExpired == expired && now - reportedAt < Repeat)
        {
            return;
        }

        reportedThumbprint = certificate.Thumbprint;
        reportedExpired = expired;
        reportedAt = now;
        if (expired)
        {
            LogExpired(logger, certificate.Subject, certificate.NotAfter, certificate.Thumbprint);
        }
        else
        {
            LogExpiring(logger, certificate.Subject, certificate.NotAfter, remaining.TotalDays, certificate.Thumbprint);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The device certificate '{Subject}' expires on {NotAfter:yyyy-MM-dd HH:mm} UTC, in {DaysLeft:0.0} days (SHA-256 {Thumbprint}): "
        + "renew it and write the new files over Device__CertificatePath (and Device__PrivateKeyPath); the module switches to them without a restart")]
    private static partial void LogExpiring(ILogger logger, string subject, DateTimeOffset notAfter, double daysLeft, string thumbprint);

    [LoggerMessage(Level = LogLevel.Error, Message = "The device certificate '{Subject}' expired on {NotAfter:yyyy-MM-dd HH:mm} UTC (SHA-256 {Thumbprint}): the hub refuses it; "
        + "readings wait in the outbox until a renewed certificate is written over Device__CertificatePath (the module switches to it without a restart)")]
    private static partial void LogExpired(ILogger logger, string subject, DateTimeOffset notAfter, string thumbprint);
}
