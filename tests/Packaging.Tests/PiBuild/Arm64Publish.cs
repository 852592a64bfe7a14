using System.Diagnostics;
using Packaging.Tests.Docker;
using TestInfrastructure;

namespace Packaging.Tests.PiBuild;

/// <summary>
/// The module published for linux-arm64 exactly as Dockerfile.arm64v8 publishes it (Native AOT, cross-compiled on this
/// x64 machine with the csproj's clang/lld settings), once per test run, into a temporary folder with its own
/// intermediate files so it never races the solution's build; then only the files the image takes, in a folder of
/// their own (<see cref="Image"/>), as the container has them.
/// </summary>
public sealed class Arm64Publish : IAsyncLifetime
{
    public const string RuntimeIdentifier = "linux-arm64";

    /// <summary>The cross toolchain the csproj's linux-arm64 Native AOT settings use (Debian package names).</summary>
    public const string ToolchainInstallHint =
        "dpkg --add-architecture arm64 && apt-get update && apt-get install -y clang lld binutils-aarch64-linux-gnu libc6-dev:arm64 libgcc-12-dev:arm64 zlib1g-dev:arm64";

    readonly string folder = Directory.CreateTempSubdirectory("esm-arm64-").FullName;

    /// <summary>The published folder.</summary>
    public string Output => Path.Combine(folder, "out");

    /// <summary>The files Dockerfile.arm64v8 copies into the image, alone.</summary>
    public string Image => Path.Combine(folder, "image");

    /// <summary>The module's native executable, in <see cref="Image"/>.</summary>
    public string Executable => Path.Combine(Image, "EdgeSensorModule");

    /// <summary>How long the publish took.</summary>
    public TimeSpan Duration { get; private set; }

    /// <summary>Bytes of the image's application layer.</summary>
    public long Size => new DirectoryInfo(Image).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public async Task InitializeAsync()
    {
        foreach (var tool in new[] { "clang", "ld.lld", "aarch64-linux-gnu-objcopy" })
        {
            RequiredTool.Find(tool, ToolchainInstallHint);
        }

        foreach (var library in new[] { "/usr/lib/aarch64-linux-gnu/libc.so", "/usr/lib/aarch64-linux-gnu/libz.so" })
        {
            if (!File.Exists(library))
            {
                throw new InvalidOperationException($"'{library}' is missing; the arm64 AOT build links against Debian's arm64 libraries. Install them: {ToolchainInstallHint}");
            }
        }

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
            ["publish", Path.Combine(Repository.ModuleFolder, "EdgeSensorModule.csproj"), "-c", "Release", "-r", RuntimeIdentifier, "-p:PublishAot=true",
             "--artifacts-path", Path.Combine(folder, "build"), "-o", Output, "-nodeReuse:false", "-nologo"],
            environment,
            Repository.Root);
        var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(8));
        Duration = watch.Elapsed;
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish -r {RuntimeIdentifier} -p:PublishAot=true failed ({exitCode}):\n{publish.Output}");
        }

        Directory.CreateDirectory(Image);
        foreach (var file in ImageLayout.AppFiles(ModuleJson.Platforms["arm64v8"]))
        {
            File.Copy(Path.Combine(Output, file), Path.Combine(Image, file));
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
