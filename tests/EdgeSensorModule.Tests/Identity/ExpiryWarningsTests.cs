using EdgeSensorModule.Identity;
using IotHub.Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSensorModule.Tests.Identity;

/// <summary>The expiry warning follows the clock (a fake one here): once a day within the warning, an error once expired.</summary>
public sealed class ExpiryWarningsTests
{
    static readonly DateTimeOffset Start = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
    readonly FakeTimeProvider clock = new(Start);
    readonly FakeLogger<ExpiryWarnings> logger = new();

    static CertificateSummary Certificate(DateTimeOffset notAfter, string thumbprint = "AA") =>
        new("CN=dev1", "CN=Test CA", thumbprint, "BB", notAfter.AddDays(-90), notAfter);

    ExpiryWarnings Warnings(TimeSpan? warnBefore = null) => new(warnBefore ?? TimeSpan.FromDays(30), clock, logger);

    List<FakeLogRecord> Lines(LogLevel level) => logger.Collector.GetSnapshot().Where(r => r.Level == level).ToList();

    /// <summary>Checks every hour, as often as the rotation service at its slowest would, for <paramref name="hours"/> hours.</summary>
    void CheckHourly(ExpiryWarnings warnings, CertificateSummary certificate, int hours)
    {
        for (var hour = 0; hour < hours; hour++)
        {
            warnings.Check(certificate);
            clock.Advance(TimeSpan.FromHours(1));
        }
    }

    [Fact]
    public void Check_ExpiresWithinTheWarning_WarnsOnceADay()
    {
        var warnings = Warnings();

        CheckHourly(warnings, Certificate(Start.AddDays(10)), 72);

        var lines = Lines(LogLevel.Warning);
        Assert.Equal(3, lines.Count);
        Assert.Contains("expires on 2026-12-12 03:00 UTC, in 10.0 days", lines[0].Message, StringComparison.Ordinal);
        Assert.Contains("in 9.0 days", lines[1].Message, StringComparison.Ordinal);
        Assert.Empty(Lines(LogLevel.Error));
    }

    [Fact]
    public void Check_ExpiresAfterTheWarning_SaysNothingUntilTheWarningStarts()
    {
        var warnings = Warnings();

        CheckHourly(warnings, Certificate(Start.AddDays(31)), 23);
        Assert.Empty(logger.Collector.GetSnapshot());

        CheckHourly(warnings, Certificate(Start.AddDays(31)), 2);
        Assert.Single(Lines(LogLevel.Warning));
    }

    [Fact]
    public void Check_Expired_SaysSoOnceADayAsAnError()
    {
        var warnings = Warnings();

        CheckHourly(warnings, Certificate(Start.AddHours(-1)), 48);

        var lines = Lines(LogLevel.Error);
        Assert.Equal(2, lines.Count);
        Assert.Contains("expired on 2026-12-02 02:00 UTC", lines[0].Message, StringComparison.Ordinal);
        Assert.Contains("the hub refuses it", lines[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ExpiresDuringTheDay_SaysExpiredAtOnce()
    {
        var warnings = Warnings();

        CheckHourly(warnings, Certificate(Start.AddHours(5)), 10);

        Assert.Single(Lines(LogLevel.Warning));
        Assert.Single(Lines(LogLevel.Error));
    }

    [Fact]
    public void Check_RotatedToAnotherShortCertificate_WarnsAtOnce()
    {
        var warnings = Warnings();
        warnings.Check(Certificate(Start.AddDays(2), "OLD"));
        clock.Advance(TimeSpan.FromHours(1));

        warnings.Check(Certificate(Start.AddDays(20), "NEW"));

        Assert.Equal(2, Lines(LogLevel.Warning).Count);
    }

    [Fact]
    public void Check_WarningSetToZero_WarnsNeverButStillSaysExpired()
    {
        var warnings = Warnings(TimeSpan.Zero);

        CheckHourly(warnings, Certificate(Start.AddHours(1)), 3);

        Assert.Empty(Lines(LogLevel.Warning));
        Assert.Single(Lines(LogLevel.Error));
    }
}
