using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Configuration;

/// <summary>Binds and validates the module's settings at startup.</summary>
public static class ConfigurationServiceCollectionExtensions
{
    /// <summary>Binds the <c>Device</c>, <c>Provisioning</c>, <c>Sensor</c>, <c>Telemetry</c>, <c>Alert</c> and <c>Outbox</c> sections, validated on start.</summary>
    public static IServiceCollection AddModuleOptions(this IServiceCollection services, IConfiguration configuration)
    {
        // Written out per type so the configuration binding source generator can bind without reflection (AOT).
        // Durations and choices (enums) are not bound by it (their setters are internal) but parsed by Parse, see SettingReader.
        services.AddOptions<DeviceOptions>().Bind(configuration.GetSection(DeviceOptions.Section)).Parse(configuration.GetSection(DeviceOptions.Section)).ValidateOnStart();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section)).Parse(configuration.GetSection(ProvisioningOptions.Section)).ValidateOnStart();
        services.AddOptions<SensorOptions>().Bind(configuration.GetSection(SensorOptions.Section)).Parse(configuration.GetSection(SensorOptions.Section)).ValidateOnStart();
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).Parse(configuration.GetSection(TelemetryOptions.Section)).ValidateOnStart();
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section)).PostConfigure(OutboxOptions.ResolvePath).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeviceOptions>, DeviceOptionsValidator>();
        services.AddSingleton<IValidateOptions<ProvisioningOptions>, ProvisioningOptionsValidator>();
        services.AddSingleton<IValidateOptions<SensorOptions>, SensorOptionsValidator>();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        return services;
    }
}
