using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Identity;
using IotHub.Certificates;

namespace EdgeSensorModule.Tests.Identity;

/// <summary>A refusal after the certificate's NotAfter is told as an expired certificate; other failures stay as they are.</summary>
public sealed class ExpiredCertificateTests
{
    static readonly DateTimeOffset NotAfter = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly CertificateSummary Certificate = new("CN=dev1", "CN=CA", "AA", "BB", NotAfter.AddDays(-30), NotAfter);

    [Theory]
    [InlineData(HubErrorCode.NotAuthorized)]
    [InlineData(HubErrorCode.ClientCertificateRejected)]
    public void Classify_RefusedAfterNotAfter_IsCertificateExpired(HubErrorCode refusal)
    {
        var classified = ExpiredCertificate.Classify(new HubException(refusal, "refused"), Certificate, NotAfter.AddSeconds(1));

        Assert.Equal(HubErrorCode.ClientCertificateExpired, classified.ErrorCode);
        Assert.False(classified.IsTransient);
        Assert.Equal(
            "The hub refused the device certificate 'CN=dev1': it expired on 2026-12-01 00:00 UTC. Renew it (same CN) and write it over Device__CertificatePath: the module switches to it without a restart.",
            classified.Message);
    }

    [Fact]
    public void Classify_RefusedBeforeNotAfter_StaysARefusal()
    {
        var refused = new HubException(HubErrorCode.NotAuthorized, "refused");

        Assert.Same(refused, ExpiredCertificate.Classify(refused, Certificate, NotAfter.AddSeconds(-1)));
    }

    [Fact]
    public void Classify_ConnectionLostAfterNotAfter_StaysTransient()
    {
        var lost = new HubException(HubErrorCode.ConnectionLost, "lost");

        Assert.Same(lost, ExpiredCertificate.Classify(lost, Certificate, NotAfter.AddDays(1)));
    }
}
