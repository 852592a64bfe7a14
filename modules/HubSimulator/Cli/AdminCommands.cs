using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HubSimulator.Admin;
using HubSimulator.Registry;

namespace HubSimulator.Cli;

/// <summary>CLI verbs that call a running simulator's admin API (<c>--admin http://127.0.0.1:5080</c>).</summary>
public static class AdminCommands
{
    /// <summary>Where the verbs find the admin token when <c>--token</c> is not given (the simulator's own setting).</summary>
    const string TokenVariable = "Simulator__AdminToken";

    static readonly JsonSerializerOptions Pretty = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The verbs this class handles.</summary>
    public static readonly IReadOnlySet<string> Verbs = new HashSet<string>(StringComparer.Ordinal) { "ca", "device", "messages", "twin", "method", "c2d" };

    /// <summary>Runs one verb; returns the exit code (0 success, 1 refused by the simulator).</summary>
    public static async Task<int> RunAsync(ArgReader args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var http = new HttpClient { BaseAddress = new Uri(args.Get("admin", "http://127.0.0.1:5080")!), Timeout = TimeSpan.FromSeconds(100) };
        if ((args.Get("token") ?? Environment.GetEnvironmentVariable(TokenVariable)) is { Length: > 0 } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var sub = args.Positional.Count > 1 ? args.Positional[1] : "";
        using var response = (args.Positional[0], sub) switch
        {
            ("ca", "add") => await http.PostAsJsonAsync("/cas", new AddCaRequest(args.Require("name", "a name for the CA"), ReadFile(args, "cert"))),
            ("ca", "code") => await http.PostAsync(new Uri($"/cas/{Esc(args.Require("name", "the CA's name"))}/verification-code", UriKind.Relative), null),
            ("ca", "verify") => await http.PostAsJsonAsync($"/cas/{Esc(args.Require("name", "the CA's name"))}/verify", new VerifyCaRequest(ReadFile(args, "cert"))),
            ("ca", "list") => await http.GetAsync(new Uri("/cas", UriKind.Relative)),
            ("device", "add") => await http.PostAsJsonAsync("/devices", NewDevice(args)),
            ("device", "list") => await http.GetAsync(new Uri("/devices", UriKind.Relative)),
            ("messages", _) => await http.GetAsync(new Uri(args.Get("device") is { } id ? $"/devices/{Esc(id)}/messages" : "/messages", UriKind.Relative)),
            ("twin", "get") => await http.GetAsync(new Uri($"/devices/{Device(args)}/twin", UriKind.Relative)),
            ("twin", "desired") => await http.PatchAsync(new Uri($"/devices/{Device(args)}/twin/desired", UriKind.Relative), Json(args.Require("json", "the desired patch, e.g. '{\"interval\":10}'"))),
            ("method", _) => await http.PostAsJsonAsync($"/devices/{Device(args)}/methods/{Esc(args.Require("name", "the method name"))}",
                new InvokeMethodRequest(JsonNode.Parse(args.Get("payload", "null")!), args.Number("timeout", 30))),
            ("c2d", _) => await http.PostAsJsonAsync($"/devices/{Device(args)}/messages/devicebound", new CloudToDeviceRequest(args.Require("body", "the message text"), null)),
            _ => throw new UsageException($"Unknown verb '{string.Join(' ', args.Positional)}'; run with --help."),
        };
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            await error.WriteLineAsync($"{(int)response.StatusCode} {response.ReasonPhrase}: {text}");
            return 1;
        }

        await output.WriteLineAsync(text.Length == 0 ? "ok" : JsonNode.Parse(text)?.ToJsonString(Pretty));
        return 0;
    }

    static AddDeviceRequest NewDevice(ArgReader args)
    {
        var id = args.Require("id", "the device id");
        return args.Get("thumbprint") is { } thumbprint
            ? new AddDeviceRequest(id, DeviceAuthentication.SelfSigned, thumbprint, args.Get("secondary"))
            : new AddDeviceRequest(id, DeviceAuthentication.CaSigned);
    }

    static string Device(ArgReader args) => Esc(args.Require("device", "the device id"));

    static string Esc(string value) => Uri.EscapeDataString(value);

    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    static string ReadFile(ArgReader args, string option)
    {
        var path = args.Require(option, "a PEM certificate file");
        return File.Exists(path) ? File.ReadAllText(path) : throw new UsageException($"--{option} '{path}' does not exist.");
    }
}
