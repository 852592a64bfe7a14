using HubSimulator.Demo;
using HubSimulator.Hosting;
using IotHub.Certificates;
using Microsoft.Extensions.Options;

namespace HubSimulator.Cli;

/// <summary>The simulator's verbs: <c>run</c> (default), <c>demo</c>, <c>init</c>, <c>cert ...</c> and the admin verbs.</summary>
public static class CommandLine
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        HubSimulator: a local IoT Hub device endpoint (MQTT/TLS, X.509), its admin CLI and a certificate tool.

          run [--Simulator:MqttPort 8883 ...]     start the simulator (default verb); settings also from Simulator__* variables
          demo [--folder .demo] [--count 5] [--seed 2] [--transport Mqtt|Amqp] the whole X.509 flow with the module, on free loopback ports
          init --out DIR [--device ID] [--hostname NAME]   PKI + registry state for docker-compose

          cert root --cn NAME --out PREFIX [--days 3650] [--key Rsa2048|Rsa4096|EcdsaP256]
          cert intermediate --issuer PREFIX --cn NAME --out PREFIX [--days] [--key]
          cert device --issuer PREFIX --id DEVICE --out PREFIX [--password 1234] [--days 365] [--key]
          cert selfsigned --id DEVICE --out PREFIX [--password 1234] [--days] [--key]
          cert verification --ca PREFIX --code CODE --out PREFIX
          cert inspect FILE [--ca CAFILE] [--untrusted FILE]

          ca add --name NAME --cert FILE | ca code --name NAME | ca verify --name NAME --cert FILE | ca list
          device add --id ID [--thumbprint SHA [--secondary SHA]] | device list
          messages [--device ID]
          twin get --device ID | twin desired --device ID --json '{"k":1}'
          method --device ID --name NAME [--payload JSON] [--timeout 30]
          c2d --device ID --body TEXT
          (admin verbs talk to --admin http://127.0.0.1:5080, with --token TOKEN or Simulator__AdminToken when it needs one)
        """;

    /// <summary>Runs the verb in <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verb = args.Length == 0 || args[0].StartsWith('-') ? "run" : args[0];
        var reader = new ArgReader(args);
        try
        {
            switch (verb)
            {
                case "run":
                    return await SimulatorApp.RunAsync(verb == args.FirstOrDefault() ? args[1..] : args);
                case "demo":
                    return await DemoCommand.RunAsync(reader, Console.Out);
                case "init":
                    return InitCommand.Run(reader, Console.Out);
                case "cert":
                    return CertCommands.Run(reader, Console.Out);
                case "help" or "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                case var admin when AdminCommands.Verbs.Contains(admin):
                    return await AdminCommands.RunAsync(reader, Console.Out, Console.Error);
                default:
                    await Console.Error.WriteLineAsync($"Unknown verb '{verb}'.\n{Usage}");
                    return 2;
            }
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync(string.Join(' ', ex.Failures));
            return 2;
        }
        catch (Exception ex) when (ex is UsageException or CertificateException or HttpRequestException or StartupException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
    }
}
