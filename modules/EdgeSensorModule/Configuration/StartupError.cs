using IotHub.Certificates;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Configuration;

/// <summary>Turns a failure at startup into the one line a user reads, or null when it is not a setup mistake.</summary>
internal static class StartupError
{
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        SettingException setting => setting.Message,
        CertificateException certificate => certificate.Message,
        Outbox.OutboxException outbox => outbox.Message,
        Sensors.SensorSetupException sensor => sensor.Message,
        InvalidOperationException binding when BinderFailure.From(binding) is { } failure => failure.Describe(),
        AggregateException aggregate when aggregate.InnerExceptions.Count == 1 => Describe(aggregate.InnerExceptions[0]),
        _ when exception.InnerException is { } inner => Describe(inner),
        _ => null,
    };
}
