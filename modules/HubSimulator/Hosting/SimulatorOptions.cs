using System.Net;
using HubSimulator.Messages;
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

    /// <summary>AMQP over TLS port (IoT Hub: 5671); 0 turns the AMQP endpoint off.</summary>
    public int AmqpPort { get; set; } = 5671;

    /// <summary>
    /// Port of the WebSocket endpoint (<c>wss://host:port/$iothub/websocket</c>, IoT Hub: 443) for MQTT over WebSocket;
    /// unset for none.
    /// </summary>
    public int? WebSocketPort { get; set; }

    /// <summary>Device Provisioning Service endpoint (MQTT over TLS, DPS's 8883); 0 leaves it off.</summary>
    public int ProvisioningPort { get; set; }

    /// <summary>The DPS instance's id scope devices name in their username.</summary>
    public string IdScope { get; set; } = "0ne00000001";

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

    /// <summary>JSON file the registry (CAs, devices) is loaded from and saved to; <c>{DataFolder}/state.json</c> when unset.</summary>
    public string? StateFile { get; set; }

    /// <summary>The registry's file.</summary>
    public string ResolvedStateFile => string.IsNullOrWhiteSpace(StateFile) ? Path.Combine(DataFolder, "state.json") : StateFile;

    /// <summary>Secret the admin API and pages require (<c>Authorization: Bearer</c>); required when not bound to loopback.</summary>
    public string? AdminToken { get; set; }

    /// <summary>File holding <see cref="AdminToken"/> (a container secret); instead of it.</summary>
    public string? AdminTokenFile { get; set; }

    /// <summary>How long a TCP connection may take to complete the TLS handshake before it is closed.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The hub's host name as devices reach it (what DPS assigns): localhost on loopback, else the first of <see cref="HostNames"/>.</summary>
    public string PublicHostName => IsLoopback ? "localhost" : HostNames.Split(',')[0].Trim();

    /// <summary>True when the endpoints listen on loopback only.</summary>
    public bool IsLoopback => IPAddress.TryParse(BindAddress, out var address) && IPAddress.IsLoopback(address);

    /// <summary>The admin token from <see cref="AdminToken"/> or <see cref="AdminTokenFile"/>; null when neither is set.</summary>
    public string? ResolvedAdminToken() => !string.IsNullOrEmpty(AdminToken)
        ? AdminToken
        : string.IsNullOrWhiteSpace(AdminTokenFile) ? null : File.ReadAllText(AdminTokenFile).Trim();

    /// <summary>Telemetry appended as JSON lines; <c>{DataFolder}/messages.jsonl</c> when unset, none when "-".</summary>
    public string? MessagesFile { get; set; }

    /// <summary>How many received messages are kept in memory (all devices together); older ones are dropped.</summary>
    public int MaxKeptMessages { get; set; } = MessageStore.DefaultMaxKept;

    /// <summary>The file messages go to, or null.</summary>
    public string? ResolvedMessagesFile => MessagesFile == "-" ? null : MessagesFile ?? Path.Combine(DataFolder, "messages.jsonl");
}

/// <summary>Checks the settings at startup: one line naming the setting and the fix.</summary>
public sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    /// <summary>The shortest admin token accepted.</summary>
    public const int MinTokenLength = 16;

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

        if (options.ProvisioningPort is < 0 or > 65535 || (options.ProvisioningPort != 0 && (options.ProvisioningPort == options.MqttPort || options.ProvisioningPort == options.AdminPort || options.ProvisioningPort == options.AmqpPort)))
        {
            return ValidateOptionsResult.Fail($"Simulator__ProvisioningPort: {options.ProvisioningPort} is not a free TCP port of its own; use 1-65535 (DPS uses 8883), not the MQTT, AMQP or admin port, or 0 for no DPS endpoint.");
        }

        if (string.IsNullOrWhiteSpace(options.IdScope) || !options.IdScope.All(char.IsAsciiLetterOrDigit))
        {
            return ValidateOptionsResult.Fail($"Simulator__IdScope: '{options.IdScope}' is not an id scope; use letters and digits, e.g. 0ne00000001.");
        }

        if (options.AmqpPort is < 0 or > 65535 || (options.AmqpPort != 0 && options.AmqpPort == options.MqttPort))
        {
            return ValidateOptionsResult.Fail($"Simulator__AmqpPort: {options.AmqpPort} is not a free TCP port of its own; use 1-65535 (IoT Hub uses 5671), not the MQTT port, or 0 for no AMQP endpoint.");
        }

        if (options.AdminPort is < 0 or > 65535 || options.AdminPort == options.MqttPort || (options.AmqpPort != 0 && options.AdminPort == options.AmqpPort))
        {
            return ValidateOptionsResult.Fail($"Simulator__AdminPort: {options.AdminPort} is not a free TCP port of its own; use 1-65535, not the MQTT or AMQP port.");
        }

        if (options.WebSocketPort is { } webSocketPort && (webSocketPort is < 1 or > 65535 || webSocketPort == options.MqttPort || webSocketPort == options.AdminPort))
        {
            return ValidateOptionsResult.Fail($"Simulator__WebSocketPort: {webSocketPort} is not a free TCP port of its own; use 1-65535 (IoT Hub uses 443), not the MQTT or admin port, or leave it unset for no WebSocket endpoint.");
        }

        if (string.IsNullOrWhiteSpace(options.ServerCertificatePath) != string.IsNullOrWhiteSpace(options.ServerKeyPath))
        {
            return ValidateOptionsResult.Fail("Simulator__ServerCertificatePath and Simulator__ServerKeyPath go together; set both, or neither to generate a server certificate.");
        }

        if (options.HandshakeTimeout <= TimeSpan.Zero || options.HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            return ValidateOptionsResult.Fail($"Simulator__HandshakeTimeout: {options.HandshakeTimeout} is outside 00:00:01-00:05:00; use e.g. 00:00:10.");
        }

        if (options.MaxKeptMessages < 1)
        {
            return ValidateOptionsResult.Fail($"Simulator__MaxKeptMessages: {options.MaxKeptMessages} keeps nothing; use 1 or more (default {MessageStore.DefaultMaxKept}).");
        }

        return ValidateAdminToken(options);
    }

    static ValidateOptionsResult ValidateAdminToken(SimulatorOptions options)
    {
        if (!string.IsNullOrEmpty(options.AdminToken) && !string.IsNullOrWhiteSpace(options.AdminTokenFile))
        {
            return ValidateOptionsResult.Fail("Simulator__AdminToken and Simulator__AdminTokenFile are both set; set one of them.");
        }

        if (!string.IsNullOrWhiteSpace(options.AdminTokenFile) && !File.Exists(options.AdminTokenFile))
        {
            return ValidateOptionsResult.Fail($"Simulator__AdminTokenFile: '{options.AdminTokenFile}' does not exist; write the token into it (init does) or set Simulator__AdminToken.");
        }

        var token = options.ResolvedAdminToken();
        if (token is not null && token.Length < MinTokenLength)
        {
            return ValidateOptionsResult.Fail($"Simulator__AdminToken: the token has {token.Length} characters; use at least {MinTokenLength} random ones (openssl rand -hex 32).");
        }

        if (token is null && !options.IsLoopback)
        {
            return ValidateOptionsResult.Fail($"Simulator__AdminToken: the admin API listens on {options.BindAddress}, beyond this machine, and needs a token; set Simulator__AdminToken (or Simulator__AdminTokenFile) to a secret (openssl rand -hex 32), or bind 127.0.0.1.");
        }

        return ValidateOptionsResult.Success;
    }
}
