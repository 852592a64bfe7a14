using System.CommandLine;
using HubSimulator.Cli;
using TestInfrastructure;

namespace HubSimulator.Tests.Cli;

/// <summary>
/// The CLI's contract, in-process: help for every verb and option, a mistyped verb or option answered with a
/// suggestion, and the exit codes (0 done, 1 refused by the hub, 2 usage error).
/// </summary>
public sealed class CommandLineTests
{
    public static TheoryData<string> Verbs() => [.. Leaves(CommandLine.Build()).Select(path => string.Join(' ', path))];

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Help_EveryVerb_Exits0AndDescribesEachOption(string verb)
    {
        var command = Find(verb);

        var (exitCode, output, _) = await RunAsync([.. verb.Split(' '), "--help"]);

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Contains($"HubSimulator {verb}", output, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(command.Description), $"{verb} has no description");
        foreach (var option in command.Options)
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{verb} {option.Name} has no description");
            Assert.Contains(option.Name, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_Verb_ListsEveryVerbWithExit0()
    {
        var (exitCode, output, _) = await RunAsync(["help"]);

        Assert.Equal(ExitCodes.Ok, exitCode);
        foreach (var verb in new[] { "run", "demo", "init", "cert", "ca", "device", "messages", "twin", "method", "c2d" })
        {
            Assert.Contains($"  {verb} ", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("devcie list", "'devcie'", "Did you mean 'device'?", "HubSimulator --help")]
    [InlineData("cert rot --cn x --out y", "'rot'", "Did you mean 'root'?", "HubSimulator cert --help")]
    [InlineData("twin get --devise d1", "'--devise'", "Did you mean '--device'?", "HubSimulator twin get --help")]
    public async Task Verb_Mistyped_SuggestsTheNameAndExits2(string line, string unknown, string suggestion, string help)
    {
        var (exitCode, output, error) = await RunAsync(line.Split(' '));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Equal([$"Unrecognized command or argument {unknown}.", suggestion, $"See '{help}'."], Lines(error));
    }

    [Theory]
    [InlineData("twin get", "Option '--device' is required.")]
    [InlineData("cert root --cn x --out y --days 0", "--days 0 is not a positive whole number.")]
    [InlineData("method --device d --name n --payload {bad", "--payload is not JSON")]
    [InlineData("device list --admin localhost:5080", "--admin 'localhost:5080' is not an http:// or https:// URL")]
    [InlineData("cert inspect /nonexistent/cert.pem", "'/nonexistent/cert.pem' does not exist.")]
    [InlineData("run --Simulator:MqttPort abc", "'Simulator:MqttPort'")]
    public async Task Verb_BadOrMissingValue_OneLineNamingItAndExits2(string line, string expected)
    {
        var (exitCode, _, error) = await RunAsync(line.Split(' '));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(expected, Lines(error)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminVerb_NoSimulatorListening_OneLineAndExits1()
    {
        var admin = $"http://127.0.0.1:{FreePort.Next()}";

        var (exitCode, _, error) = await RunAsync(["device", "list", "--admin", admin]);

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Contains($"Cannot reach the simulator's admin API at {admin}/", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    internal static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static Command Find(string verb) =>
        verb.Split(' ').Aggregate((Command)CommandLine.Build(), (command, name) => command.Subcommands.Single(c => c.Name == name));

    static IEnumerable<string[]> Leaves(Command command, string[]? path = null) =>
        command.Subcommands.Count == 0
            ? [path ?? []]
            : command.Subcommands.SelectMany(sub => Leaves(sub, [.. path ?? [], sub.Name]));
}
