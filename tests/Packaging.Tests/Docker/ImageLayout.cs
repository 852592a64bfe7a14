namespace Packaging.Tests.Docker;

/// <summary>What a Dockerfile puts into the image: its last stage, and the files it takes from the build stage's /app.</summary>
internal static class ImageLayout
{
    /// <summary>The instructions after the last FROM.</summary>
    public static List<DockerInstruction> RuntimeStage(IReadOnlyList<DockerInstruction> instructions) =>
        [.. instructions.Skip(instructions.Select((i, index) => (i, index)).Last(x => x.i.Keyword == "FROM").index + 1)];

    /// <summary>
    /// The names of the files the image takes from the build stage's <c>/app</c> (the publish output), or <c>/app</c> itself
    /// when it takes the whole folder.
    /// </summary>
    public static IReadOnlyList<string> AppFiles(string dockerfilePath) =>
        [.. RuntimeStage(Dockerfile.Parse(Repository.Read(dockerfilePath)))
            .Where(i => i.Keyword == "COPY")
            .Select(i => Dockerfile.SplitCopy(i.Arguments))
            .Where(c => c.Flags.Contains("--from=build"))
            .SelectMany(c => c.Paths.SkipLast(1))
            .Where(path => path.StartsWith("/app", StringComparison.Ordinal))
            .Select(path => path == "/app" || path == "/app/" ? "/app" : path["/app/".Length..])];
}
