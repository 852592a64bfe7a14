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

    /// <summary>The two forms a user configures: a PFX with its password, or a full-chain PEM with its key file.</summary>
    ClientIdentity LoadAs(string form) => form == "pfx"
        ? Load(device.Pfx, TestPki.PfxPassword)
        : Load(device.FullChainPem, key: device.KeyPem);

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public void Load_EitherForm_GivesTheLeafWithItsKey(string form)
    {
        using var identity = LoadAs(form);

        Assert.Equal((device.Certificate.Thumbprint, true), (identity.Certificate.Thumbprint, identity.Certificate.HasPrivateKey));
    }

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public void Load_EitherForm_GivesTheIntermediateAsTheChain(string form)
    {
        using var identity = LoadAs(form);

        Assert.Equal(pki.IntermediateCa.Thumbprint, Assert.Single(identity.Chain).Thumbprint);
    }

    [Fact]
    public void Load_FilesBehindKubernetesStyleSymlinks_Loads()
    {
        // A mounted secret: tls.crt -> ..data/tls.crt, ..data -> ..2026_12_02 (a link's own length is not the file's).
        var version = Directory.CreateDirectory(Path.Combine(pki.Folder, "secret", "..2026_12_02")).FullName;
        File.Copy(device.FullChainPem, Path.Combine(version, "tls.crt"));
        File.Copy(device.KeyPem, Path.Combine(version, "tls.key"));
        var secret = Path.GetDirectoryName(version)!;
        Directory.CreateSymbolicLink(Path.Combine(secret, "..data"), "..2026_12_02");
        File.CreateSymbolicLink(Path.Combine(secret, "tls.crt"), Path.Combine("..data", "tls.crt"));
        File.CreateSymbolicLink(Path.Combine(secret, "tls.key"), Path.Combine("..data", "tls.key"));

        using var identity = Load(Path.Combine(secret, "tls.crt"), key: Path.Combine(secret, "tls.key"));

        Assert.Equal(device.Certificate.Thumbprint, identity.Certificate.Thumbprint);
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

    [Fact]
    public void Load_Device_IsRefusedAsNotARegularFile()
    {
        var error = Assert.Throws<CertificateException>(() => Load("/dev/zero"));

        Assert.Equal("Device__CertificatePath: '/dev/zero' is not a regular file (a device or pipe); set it to the certificate or key file.", error.Message);
    }

    [Fact]
    public void Load_FileBeyondOneMegabyte_IsRefusedWithoutReadingIt()
    {
        var large = pki.Write("large.pem", new string('A', (1024 * 1024) + 1));

        var error = Assert.Throws<CertificateException>(() => Load(large));

        Assert.Equal($"Device__CertificatePath: '{large}' holds 1048577 bytes, more than a certificate or key file can (1 MB); set it to the certificate or key file.", error.Message);
    }

    [Fact]
    public void Load_PfxWithAPrivateKeyPath_SaysThePfxCarriesItsKey()
    {
        var error = Assert.Throws<CertificateException>(() => Load(device.Pfx, TestPki.PfxPassword, device.KeyPem));

        Assert.StartsWith($"Device__PrivateKeyPath: '{device.KeyPem}' is set, but '{device.Pfx}' is a PFX, which carries its own key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public void Load_IntermediateCaAsTheDevice_IsRefused(string form)
    {
        var ca = pki.WriteDevice("ca-dev", pki.Own(CertificateFactory.CreateIntermediateCa(pki.RootCa, "ca-dev")), []);

        var error = Assert.Throws<CertificateException>(() => form == "pfx" ? Load(ca.Pfx, TestPki.PfxPassword) : Load(ca.FullChainPem, key: ca.KeyPem));

        Assert.StartsWith("Device__CertificatePath: the certificate 'CN=ca-dev' is a CA certificate (basic constraints CA:true), not a device certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SelfSignedDevice_IsAccepted()
    {
        var selfSigned = pki.WriteDevice("self", pki.Own(CertificateFactory.CreateSelfSignedDevice("self")), []);

        using var identity = Load(selfSigned.Pfx, TestPki.PfxPassword);

        Assert.Equal("self", identity.CommonName);
    }

    /// <summary>A key encrypted the way <c>openssl ... -traditional</c> writes it (Proc-Type: 4,ENCRYPTED) with <paramref name="cipher"/>.</summary>
    static string LegacyEncrypted(TestPki pki, DeviceFiles files, string cipher)
    {
        var legacy = Path.Combine(pki.Folder, $"legacy{cipher}.key.pem");
        Openssl("pkey", "-in", files.KeyPem, "-traditional", cipher, "-passout", "pass:" + TestPki.PfxPassword, "-out", legacy);
        Assert.Contains("Proc-Type: 4,ENCRYPTED", File.ReadAllText(legacy), StringComparison.Ordinal);
        return legacy;
    }

    [Trait(Tier.Name, Tier.Integration)]
    [Theory]
    [InlineData(KeyType.EcdsaP256, "-aes256")]
    [InlineData(KeyType.EcdsaP256, "-des3")]
    [InlineData(KeyType.Rsa2048, "-aes128")]
    public void Load_LegacyEncryptedPemKeyWithItsPassword_Works(KeyType keyType, string cipher)
    {
        using var keyPki = new TestPki(keyType);
        var files = keyPki.IssueDevice("legacy1");

        using var identity = Load(files.FullChainPem, TestPki.PfxPassword, LegacyEncrypted(keyPki, files, cipher));

        Assert.Equal((files.Certificate.Thumbprint, true), (identity.Certificate.Thumbprint, identity.Certificate.HasPrivateKey));
    }

    [Trait(Tier.Name, Tier.Integration)]
    [Fact]
    public void Load_LegacyEncryptedPemKeyWithAWrongPassword_NamesThePasswordSetting()
    {
        var legacy = LegacyEncrypted(pki, device, "-aes256");

        var error = Assert.Throws<CertificateException>(() => Load(device.FullChainPem, "wrong-secret", legacy));

        Assert.Equal($"Device__CertificatePassword: the password does not decrypt the private key '{legacy}'.", error.Message);
    }

    [Trait(Tier.Name, Tier.Integration)]
    [Fact]
    public void Load_LegacyEncryptedPemKeyWithoutPassword_AsksForIt()
    {
        var legacy = LegacyEncrypted(pki, device, "-aes256");

        var error = Assert.Throws<CertificateException>(() => Load(device.FullChainPem, key: legacy));

        Assert.Equal($"Device__CertificatePassword: the private key '{legacy}' is encrypted; set Device__CertificatePassword to its password.", error.Message);
    }

    [Trait(Tier.Name, Tier.Integration)]
    [Fact]
    public void Load_EncryptedPkcs8PemKeyWithItsPassword_Works()
    {
        var encrypted = Path.Combine(pki.Folder, "encrypted.key.pem");
        Openssl("pkcs8", "-topk8", "-in", device.KeyPem, "-passout", "pass:" + TestPki.PfxPassword, "-out", encrypted);

        using var identity = Load(device.FullChainPem, TestPki.PfxPassword, encrypted);

        Assert.True(identity.Certificate.HasPrivateKey);
    }

    /// <summary>Pins what <see cref="ClientIdentityLoader"/> classifies a wrong PFX password by: the runtime's HResult, not its wording.</summary>
    [Fact]
    public void LoadPkcs12_WrongPassword_FailsWithTheInvalidPasswordHResult()
    {
        var error = Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            X509CertificateLoader.LoadPkcs12Collection(File.ReadAllBytes(device.Pfx), "wrong", X509KeyStorageFlags.EphemeralKeySet));

        Assert.Equal(ClientIdentityLoader.InvalidPasswordHResult, error.HResult);
    }

    static void Openssl(params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(RequiredTool.Find("openssl", "apt-get install -y openssl"), arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    public void Dispose() => pki.Dispose();
}
