using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Configuration;

/// <summary>The Prometheus endpoint IoT Edge's metrics-collector scrapes (section <c>Metrics</c>); docs/iot-edge.md.</summary>
public sealed class MetricsOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Metrics";

    /// <summary>The port edgeHub and edgeAgent serve their own metrics on, and the documented choice for this module.</summary>
    public const int DocumentedPort = 9600;

    /// <summary>TCP port of <c>http://&lt;module&gt;:&lt;port&gt;/metrics</c> on every interface; 0 turns metrics off.</summary>
    public int Port { get; set; }
}

/// <summary>Checks <see cref="MetricsOptions"/>; the failure names the environment variable and the fix.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options) => options.Port is < 0 or > 65535
        ? ValidateOptionsResult.Fail($"Metrics__Port {options.Port} is not a TCP port: use {MetricsOptions.DocumentedPort} (as edgeHub does), another port from 1 to 65535, or 0 to turn metrics off.")
        : ValidateOptionsResult.Success;
}
