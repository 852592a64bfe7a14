using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace HubSimulator.Admin;

/// <summary>
/// Every refusal of the admin API is one <c>{"error": "..."}</c> line with its HTTP status: bodies that are not JSON,
/// carry unknown fields or are too large (400, 413), and statuses answered without a body (404 for an unknown path).
/// </summary>
public static class AdminErrors
{
    /// <summary>
    /// The largest request body: above every IoT Hub payload limit (256 KB telemetry, 128 KB method payload, 32 KB
    /// twin) with room for a PEM CA certificate.
    /// </summary>
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>Turns bad-request exceptions and empty error answers into one error line.</summary>
    public static IApplicationBuilder UseOneLineErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            await WriteAsync(context.Response, ex.StatusCode, Describe(ex));
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && response.ContentType is null)
        {
            await WriteAsync(response, response.StatusCode, Describe(response.StatusCode, context.Request.Path));
        }
    });

    /// <summary>Writes <c>{"error": line}</c> with <paramref name="status"/>.</summary>
    public static Task WriteAsync(HttpResponse response, int status, string line)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = status;
        return response.WriteAsJsonAsync(new ErrorResponse(line));
    }

    static string Describe(BadHttpRequestException ex) => ex switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => $"The request body is larger than {MaxBodyBytes} bytes, the admin API's limit.",
        { InnerException: JsonException json } => $"The body is not valid JSON for this request: {OneLine(json.Message)}",
        _ => OneLine(ex.Message),
    };

    static string Describe(int status, PathString path) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => $"The request body is larger than {MaxBodyBytes} bytes, the admin API's limit.",
        StatusCodes.Status404NotFound => $"No admin API endpoint at {path}; see modules/HubSimulator/README.md.",
        StatusCodes.Status405MethodNotAllowed => $"{path} does not take this HTTP method; see modules/HubSimulator/README.md.",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };

    static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
