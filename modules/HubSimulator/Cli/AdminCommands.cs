using System.CommandLine;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using HubSimulator.Registry;

namespace HubSimulator.Cli;

/// <summary>
/// The verbs that drive a running simulator through its admin API, as the portal and the service SDK drive IoT Hub:
/// <c>ca</c>, <c>device</c>, <c>messages</c>, <c>twin</c>, <c>method</c>, <c>c2d</c>.
/// </summary>
public static class AdminCommands
{
    /// <summary>The admin verbs.</summary>
    public static IEnumerable<Command> Create() => [Ca(), Device(), EnrollmentCommands.Create(), Messages(), Twin(), Method(), CloudToDevice()];

    static Command Ca()
    {
        var ca = new Command("ca", "Certificate authorities registered in the hub and their proof of possession (the portal's Certificates page).");
        var name = CliOptions.Required("--name", "The name the CA is registered under.", "NAME");
        var cert = CliOptions.Required("--cert", "A PEM certificate file.", "FILE");
        ca.Subcommands.Add(AdminRequest.Create("add", "Upload a CA certificate; it starts Unverified.",
            (p, http, c) => http.PostAsJsonAsync("/cas", new AddCaRequest(p.GetRequiredValue(name), ReadPem(p.GetRequiredValue(cert), "--cert")), c), name, cert));
        ca.Subcommands.Add(AdminRequest.Create("code", "Get a verification code for the proof-of-possession certificate (cert verification --code).",
            (p, http, c) => http.PostAsync(AdminRequest.Path($"/cas/{AdminRequest.Escape(p.GetRequiredValue(name))}/verification-code"), null, c), name));
        ca.Subcommands.Add(AdminRequest.Create("verify", "Upload the proof-of-possession certificate; the CA becomes Verified when the CA's key signed it.",
            (p, http, c) => http.PostAsJsonAsync($"/cas/{AdminRequest.Escape(p.GetRequiredValue(name))}/verify", new VerifyCaRequest(ReadPem(p.GetRequiredValue(cert), "--cert")), c), name, cert));
        ca.Subcommands.Add(AdminRequest.Create("list", "List the registered CAs and their status.",
            (_, http, c) => http.GetAsync(AdminRequest.Path("/cas"), c)));
        return ca;
    }

    static Command Device()
    {
        var device = new Command("device", "Devices in the hub's registry.");
        var id = CliOptions.Required("--id", "The device id.", "ID");
        var thumbprint = CliOptions.Text("--thumbprint", "Register as X.509 self-signed with this SHA-1 or SHA-256 thumbprint (cert selfsigned prints both); without it: X.509 CA signed.", "SHA");
        var secondary = CliOptions.Text("--secondary", "Self-signed: a second thumbprint, for certificate rollover.", "SHA");
        device.Subcommands.Add(AdminRequest.Create("add", "Register a device (X.509 CA signed, or self-signed with --thumbprint).",
            (p, http, c) => http.PostAsJsonAsync("/devices", p.GetValue(thumbprint) is { } primary
                ? new AddDeviceRequest(p.GetRequiredValue(id), DeviceAuthentication.SelfSigned, primary, p.GetValue(secondary))
                : new AddDeviceRequest(p.GetRequiredValue(id), DeviceAuthentication.CaSigned), c), id, thumbprint, secondary));
        device.Subcommands.Add(AdminRequest.Create("remove", "Delete a device from the registry (its next connection is refused; a DPS device registers again).",
            (p, http, c) => http.DeleteAsync(AdminRequest.Path($"/devices/{AdminRequest.Escape(p.GetRequiredValue(id))}"), c), id));
        device.Subcommands.Add(AdminRequest.Create("list", "List the registered devices, whether each is connected, and its model id.",
            (_, http, c) => http.GetAsync(AdminRequest.Path("/devices"), c)));
        return device;
    }

    static Command Messages()
    {
        var device = CliOptions.Text("--device", "Only this device's messages.", "ID");
        return AdminRequest.Create("messages", "Device-to-cloud messages the hub received, decoded, oldest first.",
            (p, http, c) => http.GetAsync(AdminRequest.Path(p.GetValue(device) is { } id ? $"/devices/{AdminRequest.Escape(id)}/messages" : "/messages"), c), device);
    }

    static Command Twin()
    {
        var twin = new Command("twin", "A device's twin: desired and reported properties with their $version.");
        var device = DeviceOption();
        var json = CliOptions.Json("--json", "The desired patch, e.g. '{\"telemetryInterval\":10}'; null removes a property.", required: true);
        twin.Subcommands.Add(AdminRequest.Create("get", "Show the twin.",
            (p, http, c) => http.GetAsync(AdminRequest.Path($"/devices/{AdminRequest.Escape(p.GetRequiredValue(device))}/twin"), c), device));
        twin.Subcommands.Add(AdminRequest.Create("desired", "Patch the desired properties; a connected device receives the patch at once (an offline one reads the twin when it connects).",
            (p, http, c) => http.PatchAsync(AdminRequest.Path($"/devices/{AdminRequest.Escape(p.GetRequiredValue(device))}/twin/desired"),
                new StringContent(p.GetValue(json)!, Encoding.UTF8, "application/json"), c), device, json));
        return twin;
    }

    static Command Method()
    {
        var device = DeviceOption();
        var name = CliOptions.Required("--name", "The method name.", "NAME");
        var payload = CliOptions.Json("--payload", "The method's JSON payload.", required: false);
        var timeout = CliOptions.Positive("--timeout", "Seconds to wait for the device's answer (the hub allows 1-300).", 30);
        return AdminRequest.Create("method", "Invoke a direct method on a connected device and print its answer (404 when offline, 504 when it does not answer in time).",
            (p, http, c) => http.PostAsJsonAsync($"/devices/{AdminRequest.Escape(p.GetRequiredValue(device))}/methods/{AdminRequest.Escape(p.GetRequiredValue(name))}",
                new InvokeMethodRequest(JsonNode.Parse(p.GetValue(payload) ?? "null"), p.GetValue(timeout)), c), device, name, payload, timeout);
    }

    static Command CloudToDevice()
    {
        var device = DeviceOption();
        var body = CliOptions.Required("--body", "The message body, as text.", "TEXT");
        var ttl = CliOptions.OptionalPositive("--ttl", "Seconds the message waits for the device before it is dropped (IoT Hub's default 3600, at most 172800).");
        return AdminRequest.Create("c2d", "Send a cloud-to-device message: queued for the device (at most 50 wait) until it completes it or the message expires.",
            (p, http, c) => http.PostAsJsonAsync($"/devices/{AdminRequest.Escape(p.GetRequiredValue(device))}/messages/devicebound",
                new CloudToDeviceRequest(p.GetRequiredValue(body), null, p.GetValue(ttl)), c), device, body, ttl);
    }

    static Option<string> DeviceOption() => CliOptions.Required("--device", "The device id.", "ID");

    static string ReadPem(string path, string option) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new UsageException($"{option} '{path}' does not exist.");
}
