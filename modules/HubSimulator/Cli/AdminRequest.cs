using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubSimulator.Cli;

/// <summary>
/// Builds a verb that makes one request to a running simulator's admin API and prints its JSON answer. Every admin verb
/// gets <c>--admin</c> and <c>--token</c>; a refusal prints the status and the simulator's one line and exits 1.
/// </summary>
public static class AdminRequest
{
    /// <summary>Where the verbs find the admin token when <c>--token</c> is not given (the simulator's own setting).</summary>
    public const string TokenVariable = "Simulator__AdminToken";

    /// <summary>The admin API of a simulator started with the default settings.</summary>
    public const string DefaultAdmin = "http://127.0.0.1:5080";

    static readonly JsonSerializerOptions Pretty = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>A verb named <paramref name="name"/> with <paramref name="options"/>; <paramref name="send"/> makes the request.</summary>
    public static Command Create(string name, string description, Func<ParseResult, HttpClient, CancellationToken, Task<HttpResponseMessage>> send, params Option[] options)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(options);
        var admin = CliOptions.Url("--admin", "The simulator's admin API.", DefaultAdmin);
        var token = CliOptions.Text("--token", $"The admin token when the simulator requires one (not on loopback); default: the {TokenVariable} variable.", "TOKEN");
        var command = new Command(name, description);
        foreach (var option in options.Append(admin).Append(token))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancel) =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var adminUri = new Uri(parse.GetRequiredValue(admin));
            using var http = new HttpClient { BaseAddress = adminUri, Timeout = TimeSpan.FromSeconds(100) };
            if ((parse.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable)) is { Length: > 0 } bearer)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            HttpResponseMessage response;
            try
            {
                response = await send(parse, http, cancel);
            }
            catch (HttpRequestException ex)
            {
                await error.WriteLineAsync($"Cannot reach the simulator's admin API at {adminUri} ({ex.Message}); start it (run) or pass --admin.");
                return ExitCodes.Failed;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancel);
                if (!response.IsSuccessStatusCode)
                {
                    await error.WriteLineAsync($"{(int)response.StatusCode} {response.ReasonPhrase}: {text}");
                    return ExitCodes.Failed;
                }

                await output.WriteLineAsync(text.Length == 0 ? "ok" : JsonNode.Parse(text)?.ToJsonString(Pretty));
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary>A path segment.</summary>
    public static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>A relative URI on the admin API.</summary>
    public static Uri Path(string path) => new(path, UriKind.Relative);
}
