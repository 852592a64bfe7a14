using System.Security.Cryptography;
using HubSimulator.Broker;
using HubSimulator.Demo;
using HubSimulator.Registry;
using IotHub.Certificates;
using IotHub.Protocol;
using TestInfrastructure;

namespace HubSimulator.Tests.Broker;

public sealed class DeviceAuthenticatorTests : IDisposable
{
    readonly TestPki pki = new();
    readonly DeviceRegistry registry = new();
    readonly DeviceAuthenticator authenticator;

    public DeviceAuthenticatorTests() => authenticator = new DeviceAuthenticator(registry, TimeProvider.System);

    [Fact]
    public void Authenticate_VerifiedIntermediateCaAndLeafAlone_IsAcceptedLikeIotHub()
    {
        ProofOfPossession.RegisterAndVerify(registry, "intermediate", pki.IntermediateCa, _ => { });
        registry.AddDevice("dev1", DeviceAuthentication.CaSigned);
        var device = pki.IssueDevice("dev1");

        var decision = authenticator.Authenticate("dev1", Username("dev1"), device.Certificate, []);

        Assert.True(decision.Accepted, decision.Reason);
    }

    [Fact]
    public void Authenticate_SelfSignedDeviceBySha1Thumbprint_IsAccepted()
    {
        var certificate = pki.Own(CertificateFactory.CreateSelfSignedDevice("dev2", new CertificateSpec(TimeSpan.FromDays(1), pki.KeyType)));
        registry.AddDevice("dev2", DeviceAuthentication.SelfSigned, "00", certificate.GetCertHashString(HashAlgorithmName.SHA1).ToLowerInvariant());

        var decision = authenticator.Authenticate("dev2", Username("dev2"), certificate, []);

        Assert.True(decision.Accepted, decision.Reason);
    }

    [Fact]
    public void Authenticate_SelfSignedCertificateForACaSignedDevice_IsRefused()
    {
        ProofOfPossession.RegisterAndVerify(registry, "root", pki.RootCa, _ => { });
        registry.AddDevice("dev3", DeviceAuthentication.CaSigned);
        var certificate = pki.Own(CertificateFactory.CreateSelfSignedDevice("dev3", new CertificateSpec(TimeSpan.FromDays(1), pki.KeyType)));

        var decision = authenticator.Authenticate("dev3", Username("dev3"), certificate, []);

        Assert.False(decision.Accepted);
        Assert.Contains("does not chain to a registered, verified CA", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_IntermediateCaPresentedAsTheDevice_IsRefused()
    {
        ProofOfPossession.RegisterAndVerify(registry, "root", pki.RootCa, _ => { });
        registry.AddDevice("ca-dev", DeviceAuthentication.CaSigned);
        var ca = pki.Own(CertificateFactory.CreateIntermediateCa(pki.RootCa, "ca-dev"));

        var decision = authenticator.Authenticate("ca-dev", Username("ca-dev"), ca, []);

        Assert.Equal(ConnectDecision.Refuse("the certificate 'CN=ca-dev' is a CA certificate (basic constraints CA:true), not a device certificate"), decision);
    }

    static string Username(string deviceId) => MqttConnectionIdentity.Username("localhost", deviceId, "tests");

    public void Dispose() => pki.Dispose();
}
