namespace Packaging.Tests.Docker;

/// <summary>One instruction of a Dockerfile: the keyword in upper case and its arguments, continuations joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>A Dockerfile read as instructions (comments dropped, <c>\</c> continuations joined).</summary>
internal static class Dockerfile
{
    public static IReadOnlyList<DockerInstruction> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var pending = "";
        foreach (var raw in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#'))
            {
                continue;
            }

            pending = pending.Length == 0 ? line : $"{pending} {line}";
            if (pending.EndsWith('\\'))
            {
                pending = pending[..^1].TrimEnd();
                continue;
            }

            if (pending.Length > 0)
            {
                var parts = pending.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                instructions.Add(new DockerInstruction(parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : ""));
            }

            pending = "";
        }

        return instructions;
    }

    /// <summary>The flags (<c>--from=build</c>) and the paths of a COPY: sources, then the destination.</summary>
    public static (IReadOnlyList<string> Flags, IReadOnlyList<string> Paths) SplitCopy(string arguments)
    {
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return ([.. words.Where(w => w.StartsWith("--", StringComparison.Ordinal))], [.. words.Where(w => !w.StartsWith("--", StringComparison.Ordinal))]);
    }
}
