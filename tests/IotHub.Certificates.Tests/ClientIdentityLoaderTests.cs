using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;
using TestInfrastructure;

namespace IotHub.Certificates.Tests;

public sealed class ClientIdentityLoaderTests : IDisposable
{
    readonly TestPki pki = new();
    readonly DeviceFiles device;

    public ClientIdentityLoaderTests() => device = pki.IssueDevice("dev1");

    static ClientIdentity Load(string certificate, string? password = null, string? key = null) =>
        ClientIdentityLoader.Load(certificate, password, key, CertificateSettingNames.Device);

    [Fact]
    public void Load_PfxWithPassword_GivesLeafWithKeyAndIntermediate()
    {
        using var identity = Load(device.Pfx, TestPki.PfxPassword);

        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.Equal("dev1", identity.CommonName);
        Assert.Equal(pki.IntermediateCa.Thumbprint, Assert.Single(identity.Chain).Thumbprint);
    }

    [Fact]
    public void Load_PemChainAndKey_GivesLeafWithKeyAndIntermediate()
    {
        using var identity = Load(device.FullChainPem, key: device.KeyPem);

        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.Equal(device.Certificate.Thumbprint, identity.Certificate.Thumbprint);
        Assert.Equal(pki.IntermediateCa.Thumbprint, Assert.Single(identity.Chain).Thumbprint);
    }

    [Fact]
    public void Load_PemWithKeyInTheSameFile_UsesThatKey()
    {
        var combined = pki.Write("combined.pem", File.ReadAllText(device.FullChainPem) + File.ReadAllText(device.KeyPem));

        using var identity = Load(combined);

        Assert.True(identity.Certificate.HasPrivateKey);
    }

    [Fact]
    public void Load_RsaPfx_Works()
    {
        using var rsaPki = new TestPki(KeyType.Rsa2048);
        var rsaDevice = rsaPki.IssueDevice("rsa1");

        using var identity = Load(rsaDevice.Pfx, TestPki.PfxPassword);

        Assert.NotNull(identity.Certificate.GetRSAPrivateKey());
    }

    [Fact]
    public void Load_MissingFile_NamesSettingAndPath()
    {
        var error = Assert.Throws<CertificateException>(() => Load("/nonexistent/dev1.pfx", "1234"));

        Assert.Equal("Device__CertificatePath: file '/nonexistent/dev1.pfx' does not exist; check the path and the volume that mounts it.", error.Message);
    }

    [Fact]
    public void Load_Folder_SaysItIsAFolder()
    {
        var error = Assert.Throws<CertificateException>(() => Load(pki.Folder));

        Assert.Contains("is a folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongPfxPassword_NamesThePasswordSettingWithoutThePassword()
    {
        var error = Assert.Throws<CertificateException>(() => Load(device.Pfx, "wrong-secret"));

        Assert.StartsWith("Device__CertificatePassword: the password does not open the PFX", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1234", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PfxWithoutPassword_AsksForThePassword()
    {
        var error = Assert.Throws<CertificateException>(() => Load(device.Pfx));

        Assert.Contains("set Device__CertificatePassword", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Garbage_SaysNeitherPfxNorPem()
    {
        var garbage = pki.Write("garbage.bin", "not a certificate");

        var error = Assert.Throws<CertificateException>(() => Load(garbage, "1234"));

        Assert.Contains("neither a PFX/PKCS#12 file nor a PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PemWithoutKeySetting_AsksForThePrivateKeyPath()
    {
        var error = Assert.Throws<CertificateException>(() => Load(device.FullChainPem));

        Assert.StartsWith("Device__PrivateKeyPath:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyOfAnotherCertificate_SaysTheKeyDoesNotMatch()
    {
        var other = pki.IssueDevice("other");

        var error = Assert.Throws<CertificateException>(() => Load(device.FullChainPem, key: other.KeyPem));

        Assert.StartsWith("Device__PrivateKeyPath: the private key", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not match the certificate 'CN=dev1'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY-----", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyFileWithoutKey_SaysSo()
    {
        var error = Assert.Throws<CertificateException>(() => Load(device.FullChainPem, key: device.CertificatePem));

        Assert.Contains("holds no PEM PRIVATE KEY block", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => pki.Dispose();
}
