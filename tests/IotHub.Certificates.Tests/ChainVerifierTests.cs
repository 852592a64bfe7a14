using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;
using TestInfrastructure;

namespace IotHub.Certificates.Tests;

public sealed class ChainVerifierTests : IDisposable
{
    readonly TestPki pki = new();

    [Fact]
    public void Verify_DeviceWithIntermediate_IsTrustedByTheRoot()
    {
        var device = pki.IssueDevice("dev1");

        var result = ChainVerifier.Verify(device.Certificate, [pki.IntermediateCa], [pki.RootCa]);

        Assert.True(result.IsTrusted, result.Problem);
        Assert.Equal(3, result.Chain.Count);
    }

    [Fact]
    public void Verify_IntermediateCaAsTheAnchor_IsTrustedLikeIotHubTrustsAVerifiedIntermediate()
    {
        var device = pki.IssueDevice("dev1");

        var result = ChainVerifier.Verify(device.Certificate, [], [pki.IntermediateCa]);

        Assert.True(result.IsTrusted, result.Problem);
        Assert.Equal(2, result.Chain.Count);
    }

    [Fact]
    public void Verify_ExpiredDeviceUnderAnIntermediateAnchor_IsNotTrusted()
    {
        var device = pki.IssueDevice("old", new CertificateSpec(TimeSpan.FromDays(1), pki.KeyType, DateTimeOffset.UtcNow.AddDays(-3)));

        var result = ChainVerifier.Verify(device.Certificate, [], [pki.IntermediateCa]);

        Assert.False(result.IsTrusted);
        Assert.Contains("outside its validity period", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ImpostorIntermediateWithTheAnchorsName_IsNotTrusted()
    {
        using var impostor = CertificateFactory.CreateRootCa(pki.IntermediateCa.GetNameInfo(X509NameType.SimpleName, false));
        using var device = CertificateFactory.CreateDevice(impostor, "dev1");

        var result = ChainVerifier.Verify(device, [], [pki.IntermediateCa]);

        Assert.False(result.IsTrusted);
    }

    [Fact]
    public void Verify_DeviceWithoutItsIntermediate_SaysTheChainStops()
    {
        var device = pki.IssueDevice("dev1");

        var result = ChainVerifier.Verify(device.Certificate, [], [pki.RootCa]);

        Assert.False(result.IsTrusted);
        Assert.Contains("issuer 'CN=EdgeSensor Test Intermediate CA' was neither sent nor trusted", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DeviceOfAnotherCa_IsNotTrusted()
    {
        using var otherRoot = CertificateFactory.CreateRootCa("Other Root");
        using var device = CertificateFactory.CreateDevice(otherRoot, "dev1");

        var result = ChainVerifier.Verify(device, [otherRoot], [pki.RootCa]);

        Assert.False(result.IsTrusted);
        Assert.Contains("Other Root", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ExpiredDevice_SaysWhichCertificateIsOutOfDate()
    {
        var device = pki.IssueDevice("old", new CertificateSpec(TimeSpan.FromDays(1), KeyType.EcdsaP256, DateTimeOffset.UtcNow.AddDays(-3)));

        var result = ChainVerifier.Verify(device.Certificate, [pki.IntermediateCa], [pki.RootCa]);

        Assert.False(result.IsTrusted);
        Assert.Contains("'CN=old' is outside its validity period", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateVerification_Code_IsSignedByTheCaWithTheCodeAsCn()
    {
        using var verification = CertificateFactory.CreateVerification(pki.RootCa, "ABC123");

        Assert.Equal("ABC123", verification.GetNameInfo(X509NameType.SimpleName, false));
        Assert.True(ChainVerifier.Verify(verification, [], [pki.RootCa]).IsTrusted);
    }

    public void Dispose() => pki.Dispose();
}
