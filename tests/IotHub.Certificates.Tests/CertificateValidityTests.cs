using IotHub.Certificates;

namespace IotHub.Certificates.Tests;

public class CertificateValidityTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-1, ValidityState.NotYetValid)]
    [InlineData(1, ValidityState.Valid)]
    [InlineData(11, ValidityState.Expired)]
    public void Check_Time_GivesState(int daysAfterStart, ValidityState expected)
    {
        using var certificate = CertificateFactory.CreateSelfSignedDevice("d", new CertificateSpec(TimeSpan.FromDays(10), KeyType.EcdsaP256, Start));

        Assert.Equal(expected, CertificateValidity.Check(certificate, Start.AddDays(daysAfterStart)));
    }

    [Fact]
    public void Describe_NotYetValid_BlamesTheClockAndShowsBothTimes()
    {
        using var certificate = CertificateFactory.CreateSelfSignedDevice("d", new CertificateSpec(TimeSpan.FromDays(10), KeyType.EcdsaP256, Start));

        var line = CertificateValidity.Describe(certificate, ValidityState.NotYetValid, Start.AddYears(-56), "Device__CertificatePath");

        Assert.Equal(
            "Device__CertificatePath: the certificate 'CN=d' is not valid before 2026-01-01 00:00:00 UTC and the system clock says 1970-01-01 00:00:00 UTC; "
            + "if this device has no real-time clock, wait for time synchronisation (NTP), otherwise fix the clock.",
            line);
    }

    [Fact]
    public void Describe_Expired_SaysWhenAndWhatToDo()
    {
        using var certificate = CertificateFactory.CreateSelfSignedDevice("d", new CertificateSpec(TimeSpan.FromDays(10), KeyType.EcdsaP256, Start));

        var line = CertificateValidity.Describe(certificate, ValidityState.Expired, Start.AddDays(20), "Device__CertificatePath");

        Assert.Equal("Device__CertificatePath: the certificate 'CN=d' expired on 2026-01-11 00:00:00 UTC; issue a new device certificate.", line);
    }
}
