using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Sampling;
using EdgeSensorModule.Twin;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.Methods;

/// <summary>
/// Answers direct methods: <c>readNow</c> (200 with <c>{temperature, humidity, temperatureAlert, timestamp}</c>, the
/// reading also queued as telemetry; 503 with the reason when the sensor cannot be read) and <c>getStatus</c> (200 with
/// the reported status). An unknown method is 501, a payload other than none, <c>null</c> or a JSON object is 400; the
/// error payload is <c>{"error": "..."}</c>. The sampling loop takes the reading, so nothing here blocks it or delivery.
/// </summary>
public sealed partial class DirectMethods(SamplingControl sampling, StatusReport status, ILogger<DirectMethods> logger)
{
    /// <summary>Longest wait for an on-demand reading: well within the hub's default method timeout of 30 s.</summary>
    public static readonly TimeSpan ReadNowTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Answers one call.</summary>
    public async Task<MethodAnswer> InvokeAsync(string methodName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!MethodNames.All.Contains(methodName, StringComparer.Ordinal))
        {
            LogUnknown(logger, methodName);
            return Error(501, $"unknown method '{Shorten(methodName)}'; this device answers {string.Join(", ", MethodNames.All)}");
        }

        if (!TakesNoPayload(payload.Span))
        {
            LogMalformed(logger, methodName);
            return Error(400, $"method '{methodName}' takes no payload: send none, null or {{}}");
        }

        if (methodName == MethodNames.GetStatus)
        {
            return new MethodAnswer(200, status.Build().ToJsonString());
        }

        var result = await sampling.ReadNowAsync(ReadNowTimeout, cancellationToken);
        if (result.Reading is not { } reading)
        {
            LogNoReading(logger, result.Failure ?? "");
            return Error(503, $"no reading: {result.Failure}");
        }

        return new MethodAnswer(200, new JsonObject
        {
            ["temperature"] = reading.TemperatureCelsius,
            ["humidity"] = reading.RelativeHumidityPercent,
            ["temperatureAlert"] = result.TemperatureAlert,
            ["timestamp"] = reading.Timestamp.ToUniversalTime(),
        }.ToJsonString());
    }

    static bool TakesNoPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Trim(" \t\r\n"u8).IsEmpty)
        {
            return true;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType is not (JsonTokenType.Null or JsonTokenType.StartObject))
            {
                return false;
            }

            reader.Skip();
            return !reader.Read(); // nothing after the value
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static MethodAnswer Error(int status, string message) => new(status, new JsonObject { ["error"] = message }.ToJsonString());

    static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "...";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Direct method {Method} is unknown; answered 501")]
    private static partial void LogUnknown(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Direct method {Method} came with a payload that is not none, null or a JSON object; answered 400")]
    private static partial void LogMalformed(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Direct method readNow: no reading ({Reason}); answered 503")]
    private static partial void LogNoReading(ILogger logger, string reason);
}
