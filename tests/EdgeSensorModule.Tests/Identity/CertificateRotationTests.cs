using EdgeSensorModule.Identity;
using IotHub.Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Identity;

/// <summary>
/// The rotation looks at real files (made by a test PKI) and loads them with the real loader: a good renewal becomes
/// the identity in use, anything wrong with the new files keeps the old identity and is said once.
/// </summary>
public sealed class CertificateRotationTests : IDisposable
{
    const string DeviceId = "rotating-device";
    readonly TestPki pki = new();
    readonly FakeLogger<CertificateRotationService> logger = new();
    readonly List<IDisposable> owned = [];

    (CertificateRotationService Service, ClientIdentitySource Identities, LiveIdentityFiles Files) Start()
    {
        var files = new LiveIdentityFiles(pki, pki.IssueDevice(DeviceId));
        var device = files.Options(DeviceId);
        var identities = ClientIdentitySource.Load(device, DateTimeOffset.UtcNow);
        var service = new CertificateRotationService(identities, Options.Create(device),
            new ExpiryWarnings(device.CertificateExpiryWarning, TimeProvider.System, NullLogger<ExpiryWarnings>.Instance), TimeProvider.System, logger);
        owned.Add(identities);
        owned.Add(service);
        return (service, identities, files);
    }

    static (string Certificate, string Key) Pem(DeviceFiles files) => (File.ReadAllText(files.FullChainPem), File.ReadAllText(files.KeyPem));

    List<string> Lines(LogLevel level) => logger.Collector.GetSnapshot().Where(r => r.Level == level).Select(r => r.Message).ToList();

    [Fact]
    public async Task Poll_RenewedCertificateWrittenInPlace_BecomesCurrentAndSupersedesTheOld()
    {
        var (service, identities, files) = Start();
        var old = identities.Current;
        var renewed = pki.IssueDevice(DeviceId);

        files.Rewrite(Pem(renewed).Certificate, Pem(renewed).Key);
        await service.PollAsync(CancellationToken.None);

        Assert.Equal(2, identities.Current.Generation);
        Assert.Equal(CertificateSummary.Of(renewed.Certificate).Thumbprint, identities.Current.Certificate.Thumbprint);
        Assert.True(old.IsSuperseded);
        Assert.True(old.Superseded.IsCancellationRequested);
        var switching = Assert.Single(Lines(LogLevel.Information));
        Assert.Contains($"switching to 'CN={DeviceId}' (SHA-256 {identities.Current.Certificate.Thumbprint}", switching, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_KubernetesSecretSwappedBySymlink_BecomesCurrent()
    {
        var (service, identities, files) = Start();
        var renewed = pki.IssueDevice(DeviceId);

        files.SwapSecret(Pem(renewed).Certificate, Pem(renewed).Key);
        await service.PollAsync(CancellationToken.None);

        Assert.Equal(CertificateSummary.Of(renewed.Certificate).Thumbprint, identities.Current.Certificate.Thumbprint);
    }

    [Fact]
    public async Task Poll_SameContentWrittenAgain_KeepsTheIdentityQuietly()
    {
        var (service, identities, files) = Start();
        var before = identities.Current;

        files.SwapSecret(File.ReadAllText(files.Certificate), File.ReadAllText(files.Key));
        await service.PollAsync(CancellationToken.None);

        Assert.Same(before, identities.Current);
        Assert.Empty(logger.Collector.GetSnapshot());
    }

    [Theory]
    [InlineData("corrupt", "holds no PEM CERTIFICATE block")]
    [InlineData("half-written", "holds no PEM CERTIFICATE block")]
    [InlineData("empty", "is empty; write the device certificate (PFX or PEM) to it")]
    [InlineData("key-of-another-certificate", "does not match the certificate")]
    [InlineData("other-device", "does not match the certificate's CN 'other-device'")]
    [InlineData("expired", "expired on")]
    [InlineData("chain-of-another-ca", "do not chain the device certificate")]
    public async Task Poll_BrokenReplacement_KeepsTheIdentityInUseAndSaysWhatIsWrongOnce(string broken, string problem)
    {
        var (service, identities, files) = Start();
        var before = identities.Current;
        var (certificate, key) = Broken(broken, Pem(pki.IssueDevice(DeviceId)));

        files.Rewrite(certificate, key);
        await service.PollAsync(CancellationToken.None);
        await service.PollAsync(CancellationToken.None);

        Assert.Same(before, identities.Current);
        Assert.False(before.IsSuperseded);
        var line = Assert.Single(Lines(LogLevel.Error));
        Assert.True(line.Contains(problem, StringComparison.Ordinal), line);
        Assert.Contains($"keeps the certificate in use, 'CN={DeviceId}' (SHA-256 {before.Certificate.Thumbprint}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY-----", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_BrokenReplacementThenAGoodOne_TakesTheGoodOne()
    {
        var (service, identities, files) = Start();
        files.Rewrite("not a certificate", "nor a key");
        await service.PollAsync(CancellationToken.None);
        var renewed = pki.IssueDevice(DeviceId);

        files.SwapSecret(Pem(renewed).Certificate, Pem(renewed).Key);
        await service.PollAsync(CancellationToken.None);

        Assert.Equal(CertificateSummary.Of(renewed.Certificate).Thumbprint, identities.Current.Certificate.Thumbprint);
        Assert.Single(Lines(LogLevel.Error));
    }

    [Fact]
    public async Task Poll_RenewalValidOnlyLater_KeepsTheIdentityAndSaysWhen()
    {
        var (service, identities, files) = Start();
        var before = identities.Current;
        var later = pki.IssueDevice(DeviceId, new CertificateSpec(TimeSpan.FromDays(10), pki.KeyType, DateTimeOffset.UtcNow.AddDays(1)));

        files.Rewrite(Pem(later).Certificate, Pem(later).Key);
        await service.PollAsync(CancellationToken.None);

        Assert.Same(before, identities.Current);
        Assert.Contains("switches at", Assert.Single(Lines(LogLevel.Warning)), StringComparison.Ordinal);
    }

    (string Certificate, string Key) Broken(string kind, (string Certificate, string Key) good) => kind switch
    {
        "corrupt" => ("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n", good.Key),
        "half-written" => (good.Certificate[..(good.Certificate.Length / 3)], good.Key),
        "empty" => ("", good.Key),
        "key-of-another-certificate" => (good.Certificate, Pem(pki.IssueDevice(DeviceId)).Key),
        "other-device" => Pem(pki.IssueDevice("other-device")),
        "expired" => Pem(pki.IssueDevice(DeviceId, new CertificateSpec(TimeSpan.FromDays(1), pki.KeyType, DateTimeOffset.UtcNow.AddDays(-2)))),
        "chain-of-another-ca" => ChainOfAnotherCa(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A certificate from the PKI's intermediate, written with another CA's certificate as its chain.</summary>
    (string Certificate, string Key) ChainOfAnotherCa()
    {
        var device = pki.IssueDevice(DeviceId);
        return (CertificateExport.ToPem([device.Certificate, pki.ServerCa]), File.ReadAllText(device.KeyPem));
    }

    public void Dispose()
    {
        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }

        pki.Dispose();
    }
}
