using HubSimulator.Cli;

return await HubSimulator.Cli.CommandLine.RunAsync(args);
