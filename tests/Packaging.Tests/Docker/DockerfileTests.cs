using System.Xml.Linq;

namespace Packaging.Tests.Docker;

/// <summary>module.json and the Dockerfiles agree with each other and with the repository they build.</summary>
public sealed class DockerfileTests
{
    public static TheoryData<string> Platforms => [.. ModuleJson.RuntimeIdentifiers.Keys];

    [Fact]
    public void ModuleJson_EveryPlatform_MapsToAnExistingDockerfile()
    {
        var platforms = ModuleJson.Platforms;

        Assert.Equal(ModuleJson.RuntimeIdentifiers.Keys.Order(StringComparer.Ordinal), platforms.Keys.Order(StringComparer.Ordinal));
        Assert.All(platforms.Values, path => Assert.True(File.Exists(Repository.File(path)), $"{path} does not exist"));
        Assert.Equal(Repository.Root, ModuleJson.ContextFolder.TrimEnd(Path.DirectorySeparatorChar));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Dockerfile_EveryPathItCopiesFromTheContext_Exists(string platform)
    {
        var copies = Instructions(platform).Where(i => i.Keyword is "COPY" or "ADD").Select(i => Dockerfile.SplitCopy(i.Arguments))
            .Where(c => !c.Flags.Any(f => f.StartsWith("--from=", StringComparison.Ordinal)))
            .ToList();

        Assert.NotEmpty(copies);
        Assert.All(copies.SelectMany(c => c.Paths.SkipLast(1)), source =>
            Assert.True(Path.Exists(Path.Combine(ModuleJson.ContextFolder, source)), $"{ModuleJson.Platforms[platform]} copies '{source}', which is not in the build context"));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Dockerfile_RestoreLayer_CopiesEveryProjectTheModuleBuildsFrom(string platform)
    {
        var instructions = Instructions(platform);
        var restore = instructions.TakeWhile(i => !(i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal))).ToList();
        var copied = restore.Where(i => i.Keyword == "COPY").SelectMany(i => Dockerfile.SplitCopy(i.Arguments).Paths.SkipLast(1)).ToHashSet(StringComparer.Ordinal);

        Assert.True(restore.Count < instructions.Count, "no RUN dotnet restore");
        Assert.All(ProjectClosure("modules/EdgeSensorModule/EdgeSensorModule.csproj"), project =>
            Assert.True(copied.Contains(project), $"{ModuleJson.Platforms[platform]} restores without {project}"));
        Assert.All(new[] { "Directory.Build.props", "Directory.Packages.props" }, props => Assert.Contains(props, copied));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Dockerfile_Publish_TargetsItsPlatform(string platform)
    {
        var rid = ModuleJson.RuntimeIdentifiers[platform];
        var runs = DotnetRuns(platform);

        Assert.All(runs, run => Assert.Contains($" -r {rid} ", run + " ", StringComparison.Ordinal));
        Assert.Contains(runs, run => run.Contains("dotnet publish", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Dockerfile_AotPlatforms_RestoreAndPublishNativeAotFromTheAotSdk(string platform)
    {
        var instructions = Instructions(platform);
        var aot = ModuleJson.NativeAotPlatforms.Contains(platform);

        Assert.All(DotnetRuns(platform), run => Assert.Equal(aot, run.Contains(" -p:PublishAot=true", StringComparison.Ordinal)));
        Assert.StartsWith(
            aot ? "--platform=linux/amd64 mcr.microsoft.com/dotnet/sdk:10.0-noble-aot " : "--platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 ",
            instructions.First(i => i.Keyword == "FROM").Arguments, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Dockerfile_RuntimeBase_IsTheChiseledRuntimeDepsOfItsPlatform(string platform)
    {
        var runtimeBase = Instructions(platform).Last(i => i.Keyword == "FROM").Arguments;

        // .NET 10 has no separate -aot runtime-deps tag: Native AOT and self-contained apps share the chiseled one.
        Assert.Equal($"mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-{platform}", runtimeBase);
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Dockerfile_RuntimeStage_RunsTheModuleAsNonRoot(string platform)
    {
        var runtime = RuntimeStage(platform);

        var user = runtime.Last(i => i.Keyword == "USER").Arguments;
        Assert.NotEqual("0", user.Split(':')[0]);
        Assert.NotEqual("root", user.Split(':')[0]);
        Assert.Equal("[\"./EdgeSensorModule\"]", runtime.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
        Assert.Equal("/app", runtime.Single(i => i.Keyword == "WORKDIR").Arguments);
        Assert.DoesNotContain(runtime, i => i.Keyword is "ENV" or "ARG" && i.Arguments.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Dockerfile_Image_GetsNoSymbolFiles(string platform)
    {
        var publish = DotnetRuns(platform).Single(run => run.Contains("dotnet publish", StringComparison.Ordinal));
        var copied = RuntimeStage(platform).Where(i => i.Keyword == "COPY").SelectMany(i => Dockerfile.SplitCopy(i.Arguments).Paths.SkipLast(1));

        // The publish output keeps native symbols (.dbg) and the libraries' .pdb: removed before anything is copied.
        Assert.Contains("&& rm -f /app/*.dbg /app/*.pdb", publish, StringComparison.Ordinal);
        Assert.DoesNotContain(copied, path => path.EndsWith(".dbg", StringComparison.Ordinal) || path.EndsWith(".pdb", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Dockerfile_AotImage_CopiesOnlyTheExecutableAndItsSettings(string platform)
    {
        Assert.Equal(
            ModuleJson.NativeAotPlatforms.Contains(platform) ? ["EdgeSensorModule", "appsettings.json"] : ["/app"],
            ImageLayout.AppFiles(ModuleJson.Platforms[platform]));
    }

    [Fact]
    public void DockerIgnore_SecretsAndBuildOutput_StayOutOfTheContext()
    {
        var patterns = Repository.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        Assert.All(new[] { ".env", "**/*.pfx", "**/*.key", "**/*.pem", "**/bin/", "**/obj/" }, p => Assert.Contains(p, patterns));
    }

    static IReadOnlyList<DockerInstruction> Instructions(string platform) => Dockerfile.Parse(Repository.Read(ModuleJson.Platforms[platform]));

    static List<DockerInstruction> RuntimeStage(string platform) => ImageLayout.RuntimeStage(Instructions(platform));

    static List<string> DotnetRuns(string platform) =>
        [.. Instructions(platform).Where(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet ", StringComparison.Ordinal)).Select(i => i.Arguments)];

    /// <summary>The project and every project it references, transitively, relative to the repository root.</summary>
    static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(Repository.File(current))!;
            foreach (var reference in XDocument.Load(Repository.File(current)).Descendants("ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repository.Root, path));
            }
        }

        return seen;
    }
}
