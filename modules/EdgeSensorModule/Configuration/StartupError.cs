using System.Text.RegularExpressions;
using IotHub.Certificates;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Configuration;

/// <summary>Turns a failure at startup into the one line a user reads, or null when it is not a setup mistake.</summary>
internal static partial class StartupError
{
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        CertificateException certificate => certificate.Message,
        Outbox.OutboxException outbox => outbox.Message,
        Sensors.SensorSetupException sensor => sensor.Message,
        InvalidOperationException binding when ConversionFailure().Match(binding.Message) is { Success: true } match =>
            $"{match.Groups["key"].Value.Replace(":", "__", StringComparison.Ordinal)}: '{match.Groups["value"].Value}' is not a valid "
            + $"{Friendly(match.Groups["type"].Value)}.",
        AggregateException aggregate when aggregate.InnerExceptions.Count == 1 => Describe(aggregate.InnerExceptions[0]),
        _ when exception.InnerException is { } inner => Describe(inner),
        _ => null,
    };

    static string Friendly(string type) => type switch
    {
        "System.TimeSpan" or "System.Nullable`1[System.TimeSpan]" => "duration: use hh:mm:ss such as 00:00:05",
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "whole number",
        "System.Double" => "number such as 30 or 30.5",
        _ when type.EndsWith(nameof(HubTransportKind), StringComparison.Ordinal) =>
            $"transport: use one of {string.Join(", ", Enum.GetNames<HubTransportKind>())}",
        _ when type.EndsWith(nameof(SensorType), StringComparison.Ordinal) =>
            $"sensor type: use one of {string.Join(", ", Enum.GetNames<SensorType>())}",
        _ => $"value of type {type}",
    };

    [GeneratedRegex("Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
