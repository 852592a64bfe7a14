using System.CommandLine;
using System.CommandLine.Invocation;
using HubSimulator.Demo;
using HubSimulator.Hosting;
using IotHub.Certificates;
using Microsoft.Extensions.Options;

namespace HubSimulator.Cli;

/// <summary>
/// The simulator's command line (System.CommandLine): one command per verb with help for it and its options, typo
/// suggestions, and the exit codes of <see cref="ExitCodes"/>. <c>run</c> is the default verb.
/// </summary>
public static class CommandLine
{
    /// <summary>The verbs, one factory each: a new verb is one line here and its own file.</summary>
    static readonly Func<IEnumerable<Command>>[] Verbs =
    [
        () => [RunCommand.Create()],
        () => [DemoCommand.Create()],
        () => [InitCommand.Create()],
        () => [CertCommands.Create()],
        AdminCommands.Create,
    ];

    const string ConfigurationBinder = "Microsoft.Extensions.Configuration.Binder";

    static readonly string[] RootOptions = ["-h", "--help", "-?", "/?", "/h", "--version"];

    /// <summary>The program's name in help and errors (not the host's: <c>dotnet run</c> and tests run it under other names).</summary>
    public const string ProgramName = "HubSimulator";

    /// <summary>The root command with every verb.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            HubSimulator: a local IoT Hub device endpoint (MQTT over TLS, X.509 devices), its admin API and dashboard, a certificate tool and the one-command demo.
            Admin verbs talk to --admin http://127.0.0.1:5080 (with --token, or Simulator__AdminToken, when the simulator requires one).
            '<verb> --help' describes a verb; exit codes: 0 done, 1 refused or failed, 2 usage error.
            """)
        {
            HelpName = ProgramName,
        };
        foreach (var command in Verbs.SelectMany(verb => verb()))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Runs the verb in <paramref name="args"/> on the console; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs the verb in <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        // Response files (@file) are off: '@' is an ordinary character in a setting or a JSON payload.
        var parse = Build().Parse(Normalize(args), new ParserConfiguration { ResponseFileTokenReplacer = null });
        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false, // the catch below words the errors in one line
            ProcessTerminationTimeout = null, // run's host handles SIGINT/SIGTERM itself and stops cleanly
        };
        if (parse.Action is ParseErrorAction)
        {
            UsageErrors.Write(parse, error);
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(invocation);
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync(string.Join(' ', ex.Failures));
            return ExitCodes.Usage;
        }
        catch (InvalidOperationException ex) when (ex.Source == ConfigurationBinder)
        {
            // A setting that does not convert (--Simulator:MqttPort abc): the binder's message names the setting and the value.
            await error.WriteLineAsync($"{ex.Message} Fix the setting (Simulator__* variable or --Simulator:* argument).");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is UsageException or CertificateException or StartupException)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.Usage;
        }
    }

    /// <summary><c>help [verb]</c> is <c>[verb] --help</c>; no verb, or a setting first, is <c>run</c>.</summary>
    static string[] Normalize(IReadOnlyList<string> given) => given.ToArray() switch
    {
        [] => [RunCommand.Name],
        ["help", .. var rest] => [.. rest, "--help"],
        [var first, ..] and var args when first.StartsWith('-') && !RootOptions.Contains(first) => [RunCommand.Name, .. args],
        var args => args,
    };
}
