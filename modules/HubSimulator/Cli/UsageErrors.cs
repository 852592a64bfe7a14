using System.CommandLine;

namespace HubSimulator.Cli;

/// <summary>
/// Words a command line the parser refused: each problem once, a "did you mean" for a mistyped verb or option, and
/// where the help is. (System.CommandLine's own error action suggests a verb for every unmatched word, the mistyped
/// verb's arguments included; this keeps to the first.)
/// </summary>
static class UsageErrors
{
    /// <summary>Writes the errors of <paramref name="parse"/> to <paramref name="error"/>.</summary>
    public static void Write(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        var unmatched = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
        var messages = parse.Errors.Select(e => e.Message).Distinct().ToList();
        if (unmatched is not null)
        {
            // The first word the parser could not place says it all; what follows it is usually that word's arguments.
            messages = [messages.FirstOrDefault(m => m.Contains($"'{unmatched}'", StringComparison.Ordinal)) ?? messages[0]];
        }

        foreach (var message in messages)
        {
            error.WriteLine(message);
        }

        if (unmatched is not null && Suggest(command, unmatched) is { Count: > 0 } suggestions)
        {
            error.WriteLine($"Did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?");
        }

        error.WriteLine($"See '{string.Join(' ', Path(command).Append("--help"))}'.");
    }

    /// <summary>The verbs and options of <paramref name="command"/> within a small edit distance of <paramref name="typed"/>.</summary>
    internal static IReadOnlyList<string> Suggest(Command command, string typed)
    {
        IEnumerable<string> names = [.. command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name), .. command.Options.Where(o => !o.Hidden).Select(o => o.Name)];
        var limit = Math.Max(1, typed.TrimStart('-').Length / 3);
        return [.. names.Select(name => (name, distance: Distance(typed, name)))
            .Where(c => c.distance <= limit || (typed.Length >= 3 && c.name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.distance).Take(3).Select(c => c.name)];
    }

    /// <summary>The verb path of <paramref name="command"/>, e.g. <c>HubSimulator cert root</c>.</summary>
    static Stack<string> Path(Command command)
    {
        var path = new Stack<string>();
        for (Command? at = command; at is not null; at = at.Parents.OfType<Command>().FirstOrDefault())
        {
            path.Push(at is RootCommand ? CommandLine.ProgramName : at.Name);
        }

        return path;
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions), case-insensitive.</summary>
    static int Distance(string a, string b)
    {
        (a, b) = (a.ToUpperInvariant(), b.ToUpperInvariant());
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
