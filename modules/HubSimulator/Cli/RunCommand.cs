using System.CommandLine;
using System.CommandLine.Parsing;
using HubSimulator.Hosting;

namespace HubSimulator.Cli;

/// <summary>
/// <c>run</c>: starts the simulator until stopped. Every other argument is a configuration setting for the host, as
/// <c>dotnet run</c> takes them (<c>--Simulator:MqttPort 8883</c>, <c>--Simulator:BindAddress=0.0.0.0</c>).
/// </summary>
public static class RunCommand
{
    /// <summary>The verb's name; also what a command line that starts with a setting runs.</summary>
    public const string Name = "run";

    /// <summary>The <c>run</c> verb.</summary>
    public static Command Create()
    {
        var run = new Command(Name, "Start the simulator: MQTT over TLS on 127.0.0.1:8883, the admin API and dashboard on http://127.0.0.1:5080 (the default verb).")
        {
            // The settings are not options of the parser: the host's configuration reads them, so that every
            // SimulatorOptions property (and Logging:*) works here without a second list to keep in step.
            TreatUnmatchedTokensAsErrors = false,
        };
        run.Arguments.Add(new Argument<string[]>("SETTINGS")
        {
            Description = "Configuration settings, e.g. --Simulator:MqttPort 8883 --Simulator:AdminPort 5080 --Simulator:DataFolder .hubsim; "
                + "the same settings come from Simulator__* environment variables (modules/HubSimulator/README.md lists them).",
            Arity = ArgumentArity.ZeroOrMore,
        });
        // In the order given (a setting's name and value are two tokens), without the verb itself.
        run.SetAction((parse, _) => SimulatorApp.RunAsync([.. parse.Tokens.Where(t => t.Type != TokenType.Command).Select(t => t.Value)]));
        return run;
    }
}
