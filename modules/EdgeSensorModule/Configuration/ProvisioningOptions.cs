using IotHub.Protocol.Provisioning;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Configuration;

/// <summary>
/// Zero-touch provisioning through the Device Provisioning Service (section <c>Provisioning</c>): set
/// <see cref="IdScope"/> and the device registers with its certificate and is told its hub and device id, so
/// <c>Device__HostName</c> (and <c>Device__Id</c>, the certificate's CN) may be left out. See docs/provisioning.md.
/// </summary>
public sealed class ProvisioningOptions : IParsedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Provisioning";

    /// <summary>The DPS instance's ID Scope (its overview page, e.g. <c>0ne00123ABC</c>); provisioning is off when unset.</summary>
    public string? IdScope { get; set; }

    /// <summary>The DPS host.</summary>
    public string GlobalEndpoint { get; set; } = DpsTopics.GlobalEndpoint;

    /// <summary>Port override (tests, a simulator); DPS's 8883 when null.</summary>
    public int? Port { get; set; }

    /// <summary>PEM CAs trusted for the DPS endpoint's certificate; the operating system's store when null (DPS has a public certificate).</summary>
    public string? TrustBundlePath { get; set; }

    /// <summary>When the assigned hub stays unreachable this long, the device asks DPS again (the hub may have moved).</summary>
    public TimeSpan ReprovisionAfter { get; internal set; } = TimeSpan.FromHours(1);

    /// <summary>Allowed for <see cref="ReprovisionAfter"/>.</summary>
    public static DurationRange ReprovisionAfterRange { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromDays(30));

    /// <summary>True when <see cref="IdScope"/> is set.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(IdScope);

    /// <summary>The DPS port in use.</summary>
    public int ResolvedPort => Port ?? DpsTopics.MqttTlsPort;

    /// <inheritdoc />
    void IParsedOptions.Parse(SettingReader settings) =>
        ReprovisionAfter = settings.Duration(nameof(ReprovisionAfter), ReprovisionAfter, ReprovisionAfterRange);
}

/// <summary>Checks <see cref="ProvisioningOptions"/>; each failure names the setting and the fix.</summary>
internal sealed class ProvisioningOptionsValidator : IValidateOptions<ProvisioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningOptions options)
    {
        var failures = new List<string>();
        if (options.IsEnabled && !options.IdScope!.All(char.IsAsciiLetterOrDigit))
        {
            failures.Add($"Provisioning__IdScope '{options.IdScope}' is not an ID Scope: copy it from the DPS instance's overview page (letters and digits, e.g. 0ne00123ABC).");
        }

        if (string.IsNullOrWhiteSpace(options.GlobalEndpoint) || options.GlobalEndpoint.Contains("://", StringComparison.Ordinal) || options.GlobalEndpoint.Contains(':', StringComparison.Ordinal))
        {
            failures.Add($"Provisioning__GlobalEndpoint '{options.GlobalEndpoint}' is not a host name: use {DpsTopics.GlobalEndpoint} (the port is Provisioning__Port).");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Provisioning__Port {options.Port} is not a TCP port: use 1..65535, or leave it unset for DPS's {DpsTopics.MqttTlsPort}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
