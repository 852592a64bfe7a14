using EdgeSensorModule.HubConnection;
using Microsoft.Extensions.Configuration;

namespace EdgeSensorModule.Metrics;

/// <summary>
/// The labels on every sample, as IoT Edge asks of custom modules and puts on edgeHub's own: the hub, the edge device,
/// the module, and an instance number new at every start (so restarts can be told apart). The runtime's
/// <c>IOTEDGE_*</c> variables when it sets them, else the hub and device id in use (<see cref="CurrentHub"/>: the
/// settings, or what DPS assigned, read at each scrape since DPS answers after start).
/// </summary>
internal sealed class MetricsLabels(IConfiguration configuration, CurrentHub hub)
{
    readonly string instance = Guid.NewGuid().ToString();

    /// <summary>Formatted for a sample line: <c>iothub="…",edge_device="…",module_name="…",instance_number="…"</c>.</summary>
    public string Text => string.Join(',',
        PrometheusText.Label("iothub", configuration["IOTEDGE_IOTHUBHOSTNAME"] ?? hub.HostName),
        PrometheusText.Label("edge_device", configuration["IOTEDGE_DEVICEID"] ?? hub.DeviceId),
        PrometheusText.Label("module_name", configuration["IOTEDGE_MODULEID"] ?? ModuleMetrics.MeterName),
        PrometheusText.Label("instance_number", instance));
}
