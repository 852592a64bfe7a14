using System.Diagnostics;
using TestInfrastructure;

namespace Packaging.Tests.PiBuild;

/// <summary>
/// The module published for linux-arm64 exactly as Dockerfile.arm64v8 publishes it (self-contained, trimmed,
/// ReadyToRun: the csproj sets these for any runtime identifier), once per test run, into a temporary folder with its
/// own intermediate files so it never races the solution's build.
/// </summary>
public sealed class Arm64Publish : IAsyncLifetime
{
    public const string RuntimeIdentifier = "linux-arm64";

    readonly string folder = Directory.CreateTempSubdirectory("esm-arm64-").FullName;

    /// <summary>The published folder.</summary>
    public string Output => Path.Combine(folder, "out");

    /// <summary>The native apphost of the module.</summary>
    public string Executable => Path.Combine(Output, "EdgeSensorModule");

    /// <summary>How long the publish took.</summary>
    public TimeSpan Duration { get; private set; }

    /// <summary>Bytes in the published folder: the image's application layer.</summary>
    public long Size => new DirectoryInfo(Output).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        var environment = new Dictionary<string, string?>();
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            // dotnet test sets these for its own MSBuild; a nested SDK must find its own.
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                environment[name] = null;
            }
        }

        await using var publish = ModuleProcess.StartExecutable(
            "dotnet",
            ["publish", Path.Combine(Repository.ModuleFolder, "EdgeSensorModule.csproj"), "-c", "Release", "-r", RuntimeIdentifier,
             "--artifacts-path", Path.Combine(folder, "build"), "-o", Output, "-nodeReuse:false", "-nologo"],
            environment,
            Repository.Root);
        var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(8));
        Duration = watch.Elapsed;
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish -r {RuntimeIdentifier} failed ({exitCode}):\n{publish.Output}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
