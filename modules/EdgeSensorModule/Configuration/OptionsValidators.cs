using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Configuration;

/// <summary>Checks <see cref="DeviceOptions"/>; each failure names the environment variable and the fix.</summary>
internal sealed class DeviceOptionsValidator(IOptions<ProvisioningOptions> provisioning) : IValidateOptions<DeviceOptions>
{
    static readonly SearchValues<char> NotInAHostName = SearchValues.Create(":/?#@ \t");

    public ValidateOptionsResult Validate(string? name, DeviceOptions options)
    {
        var failures = new List<string>();
        // With DPS the hub and device id come from the service (the device id is the certificate's CN).
        var provisioned = provisioning.Value.IsEnabled;
        if (string.IsNullOrWhiteSpace(options.Id) && !provisioned)
        {
            failures.Add("Device__Id is required: set it to the device id registered in IoT Hub (the certificate's CN).");
        }

        if (string.IsNullOrWhiteSpace(options.HostName) && !provisioned)
        {
            failures.Add("Device__HostName is required: set it to the IoT Hub host name, e.g. myhub.azure-devices.net (or set Provisioning__IdScope to be told it by DPS).");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Device__Port {options.Port} is not a TCP port: use 1..65535, or leave it unset for the transport's standard port.");
        }

        failures.AddRange(HostNameProblems("Device__HostName", options.HostName));
        failures.AddRange(HostNameProblems("Device__GatewayHostName", options.GatewayHostName));
        failures.AddRange(ProxyProblems(options));

        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            failures.Add("Device__CertificatePath is required: set it to the device certificate (PFX, or PEM with Device__PrivateKeyPath).");
        }

        if (!string.IsNullOrEmpty(options.CertificatePassword) && !string.IsNullOrEmpty(options.CertificatePasswordFile))
        {
            failures.Add("Device__CertificatePassword and Device__CertificatePasswordFile are both set: keep one.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// <c>Device__ProxyUri</c> is an <c>http://host:port</c> URL without credentials (they go in a file, so they stay out
    /// of the environment and the logs), and only the WebSocket transports use it, as in the Azure IoT SDKs.
    /// </summary>
    static IEnumerable<string> ProxyProblems(DeviceOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ProxyUri))
        {
            if (!string.IsNullOrWhiteSpace(options.ProxyCredentialsPath))
            {
                yield return "Device__ProxyCredentialsPath is set without Device__ProxyUri: set the proxy, e.g. Device__ProxyUri=http://proxy:3128, or unset the credentials.";
            }

            yield break;
        }

        if (!Uri.TryCreate(options.ProxyUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.Host.Length == 0)
        {
            yield return $"Device__ProxyUri '{Redacted(options.ProxyUri)}' is not an HTTP proxy URL: use http://host:port, e.g. http://proxy:3128.";
        }
        else if (uri.UserInfo.Length > 0)
        {
            yield return $"Device__ProxyUri '{Redacted(options.ProxyUri)}' carries credentials: remove them and put 'user:password' in a file named by Device__ProxyCredentialsPath.";
        }
        else if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            yield return $"Device__ProxyUri '{options.ProxyUri}' has a path: give the proxy as http://host:port only.";
        }

        if (!options.UsesWebSocket)
        {
            yield return $"Device__ProxyUri is set but Device__Transport is {options.Transport}: only the WebSocket transports go through a proxy; set Device__Transport=MqttWebSocket or AmqpWebSocket, or unset Device__ProxyUri.";
        }
    }

    /// <summary>The value with anything before an '@' (user:password) hidden.</summary>
    static string Redacted(string value)
    {
        var at = value.LastIndexOf('@');
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        return at < 0 ? value : string.Concat(value.AsSpan(0, scheme < 0 ? 0 : scheme + 3), "***", value.AsSpan(at));
    }

    /// <summary>
    /// A host name or IP address only: users paste URLs (<c>mqtts://hub</c>) and endpoints (<c>host:8883</c>). Lenient
    /// otherwise (an underscore in a LAN gateway's name is not IoT Hub's business).
    /// </summary>
    static IEnumerable<string> HostNameProblems(string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || Uri.CheckHostName(value) is UriHostNameType.IPv6)
        {
            yield break;
        }

        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        var port = value.LastIndexOf(':');
        if (scheme > 0)
        {
            yield return $"{setting} '{value}' is a URL: give the host name only, without '{value[..(scheme + 3)]}' (the transport is Device__Transport, the port Device__Port).";
        }
        else if (port > 0 && int.TryParse(value.AsSpan(port + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            yield return $"{setting} '{value}' carries a port: set {setting}={value[..port]} and Device__Port={number}.";
        }
        else if (value.AsSpan().IndexOfAny(NotInAHostName) >= 0)
        {
            yield return $"{setting} '{value}' is not a host name: use e.g. myhub.azure-devices.net (no scheme, port or path).";
        }
    }
}

/// <summary>Checks <see cref="TelemetryOptions"/>.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.MessageCount < 0)
        {
            failures.Add($"Telemetry__MessageCount {options.MessageCount} is negative: use 0 to run forever, or the number of readings to send.");
        }

        if (options.MaxInFlight is < 1 or > 65535)
        {
            failures.Add($"Telemetry__MaxInFlight {options.MaxInFlight} is out of range: use 1..65535.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks <see cref="AlertOptions"/>.</summary>
internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options) =>
        double.IsFinite(options.TemperatureThreshold)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Alert__TemperatureThreshold {options.TemperatureThreshold} is not a number of °C: use e.g. 30.");
}

/// <summary>Checks <see cref="SensorOptions"/>.</summary>
internal sealed class SensorOptionsValidator : IValidateOptions<SensorOptions>
{
    public ValidateOptionsResult Validate(string? name, SensorOptions options)
    {
        var failures = new List<string>();
        if (options.I2cBus < 0)
        {
            failures.Add($"Sensor__I2cBus {options.I2cBus} is negative: use the N of /dev/i2c-N (1 on a Raspberry Pi).");
        }

        if (!string.IsNullOrWhiteSpace(options.I2cAddress) && options.ParsedI2cAddress is not (>= 0x03 and <= 0x77))
        {
            failures.Add($"Sensor__I2cAddress '{options.I2cAddress}' is not a 7-bit I2C address: use hex like 0x76 or decimal like 118 (0x03..0x77), as 'i2cdetect -y 1' shows it.");
        }

        if (options.ReadRetries is < 0 or > 10)
        {
            failures.Add($"Sensor__ReadRetries {options.ReadRetries} is out of range: use 0..10.");
        }

        if (options.FrozenReadCount is < 0 or (> 0 and < 3))
        {
            failures.Add($"Sensor__FrozenReadCount {options.FrozenReadCount} is out of range: use 0 (off) or 3 and more.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
