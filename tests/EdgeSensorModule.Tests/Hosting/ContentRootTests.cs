using System.Text.RegularExpressions;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Hosting;

/// <summary>
/// The module started from another folder (as <c>dotnet run --project modules/EdgeSensorModule</c> does from the
/// repository root) still reads its own appsettings.json, and resolves a relative <c>Outbox__Path</c> against the
/// folder it was started from.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed partial class ContentRootTests : IDisposable
{
    readonly TestPki pki = new();
    readonly Dictionary<string, string?> environment;

    public ContentRootTests() => environment = ModuleEnvironment.ForPfx(pki, pki.IssueDevice("dev1"), "dev1", FreePort.Next());

    [Fact]
    public async Task Start_FromAnotherFolder_LogsInTheFormatOfItsOwnAppSettings()
    {
        environment["Device__Id"] = null;

        var line = await ModuleEnvironment.SetupErrorLineAsync(environment, workingDirectory: pki.Folder);

        // appsettings.json asks for single-line entries with a UTC timestamp; the host's default has neither.
        Assert.Matches(TimestampedCritical(), line);
    }

    [Fact]
    public async Task Start_RelativeOutboxPath_IsResolvedAgainstTheFolderItWasStartedFrom()
    {
        pki.Write("not-a-folder", "");
        environment["Outbox__Path"] = Path.Combine("not-a-folder", "outbox");

        var line = await ModuleEnvironment.SetupErrorLineAsync(environment, workingDirectory: pki.Folder);

        Assert.Contains($"Outbox__Path: cannot use '{Path.Combine(pki.Folder, "not-a-folder", "outbox")}'", line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z crit: EdgeSensorModule\[\d+\] Device__Id is required")]
    private static partial Regex TimestampedCritical();

    public void Dispose() => pki.Dispose();
}
