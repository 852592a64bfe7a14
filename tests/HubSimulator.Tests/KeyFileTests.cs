using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// Private keys on disk: never overwritten silently, owner-only from the moment they exist, and ignored by git so a
/// <c>git add -A</c> after the README's steps commits no CA key.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyFileTests : IDisposable
{
    const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    readonly string folder = Directory.CreateTempSubdirectory("hubsim-keys-").FullName;

    [Fact]
    public async Task CertTool_KeyFileAlreadyThere_RefusedWithoutForceAndTheKeyKept()
    {
        Assert.Equal(0, (await Peers.SimulatorCliAsync(folder, "cert", "root", "--cn", "First", "--out", "root")).ExitCode);
        var before = await File.ReadAllTextAsync(Path.Combine(folder, "root.key.pem"));

        var again = await Peers.SimulatorCliAsync(folder, "cert", "root", "--cn", "Second", "--out", "root");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(folder, "root.key.pem")));
    }

    [Fact]
    public async Task CertTool_ForceOverAWorldReadableKey_LeavesAnOwnerOnlyKey()
    {
        var key = Path.Combine(folder, "root.key.pem");
        await File.WriteAllTextAsync(key, "old");
        File.SetUnixFileMode(key, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await Peers.SimulatorCliAsync(folder, "cert", "root", "--cn", "Forced", "--out", "root", "--force");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(key));
        Assert.NotEqual("old", await File.ReadAllTextAsync(key));
    }

    [Fact]
    public async Task Init_EverySecret_IsOwnerOnly()
    {
        var result = await Peers.SimulatorCliAsync(folder, "init", "--out", "lab");

        Assert.True(result.ExitCode == 0, result.Output);
        var secrets = Directory.GetFiles(Path.Combine(folder, "lab"))
            .Where(f => f.EndsWith(".key.pem", StringComparison.Ordinal) || f.EndsWith(".pfx", StringComparison.Ordinal) || f.EndsWith("admin-token", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(secrets, f => f.EndsWith("root-ca.key.pem", StringComparison.Ordinal));
        Assert.All(secrets, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnly, $"{f} is {File.GetUnixFileMode(f)}"));
    }

    [Theory]
    [InlineData("certs/root.key.pem")]
    [InlineData("my-root.key.pem")]
    [InlineData("somewhere/outbox/readings.log")]
    public async Task GitIgnore_FilesTheReadmeStepsMake_AreIgnored(string path)
    {
        var result = await ExternalProcess.RunAsync("git", "apt-get install -y git", ["check-ignore", "--no-index", "-q", path], TimeSpan.FromSeconds(20), Peers.RepositoryRoot);

        Assert.True(result.ExitCode == 0, $"{path} is not ignored by .gitignore");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
