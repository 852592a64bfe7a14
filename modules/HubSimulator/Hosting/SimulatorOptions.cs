using System.Net;
using Microsoft.Extensions.Options;

namespace HubSimulator.Hosting;

/// <summary>The simulator's settings (section <c>Simulator</c>; environment <c>Simulator__MqttPort</c>, ...).</summary>
public sealed class SimulatorOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Simulator";

    /// <summary>Address the MQTT and admin endpoints listen on; loopback unless in a container.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>MQTT over TLS port (IoT Hub: 8883).</summary>
    public int MqttPort { get; set; } = 8883;

    /// <summary>HTTP admin API port.</summary>
    public int AdminPort { get; set; } = 5080;

    /// <summary>Host names the generated server certificate is valid for (comma separated).</summary>
    public string HostNames { get; set; } = "localhost";

    /// <summary>Folder for the generated server CA and certificate, and the default message log.</summary>
    public string DataFolder { get; set; } = ".hubsim";

    /// <summary>PEM server certificate to use instead of a generated one (with <see cref="ServerKeyPath"/>).</summary>
    public string? ServerCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ServerCertificatePath"/>.</summary>
    public string? ServerKeyPath { get; set; }

    /// <summary>JSON file the registry (CAs, devices) is loaded from and saved to; in memory only when unset.</summary>
    public string? StateFile { get; set; }

    /// <summary>Telemetry appended as JSON lines; <c>{DataFolder}/messages.jsonl</c> when unset, none when "-".</summary>
    public string? MessagesFile { get; set; }

    /// <summary>The file messages go to, or null.</summary>
    public string? ResolvedMessagesFile => MessagesFile == "-" ? null : MessagesFile ?? Path.Combine(DataFolder, "messages.jsonl");
}

/// <summary>Checks the settings at startup: one line naming the setting and the fix.</summary>
public sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            return ValidateOptionsResult.Fail($"Simulator__BindAddress: '{options.BindAddress}' is not an IP address; use 127.0.0.1 (or 0.0.0.0 in a container).");
        }

        if (options.MqttPort is < 0 or > 65535)
        {
            return ValidateOptionsResult.Fail($"Simulator__MqttPort: {options.MqttPort} is not a TCP port; use 1-65535 (IoT Hub uses 8883).");
        }

        if (options.AdminPort is < 0 or > 65535 || options.AdminPort == options.MqttPort)
        {
            return ValidateOptionsResult.Fail($"Simulator__AdminPort: {options.AdminPort} is not a free TCP port of its own; use 1-65535, not the MQTT port.");
        }

        if (string.IsNullOrWhiteSpace(options.ServerCertificatePath) != string.IsNullOrWhiteSpace(options.ServerKeyPath))
        {
            return ValidateOptionsResult.Fail("Simulator__ServerCertificatePath and Simulator__ServerKeyPath go together; set both, or neither to generate a server certificate.");
        }

        return ValidateOptionsResult.Success;
    }
}
