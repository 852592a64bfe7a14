using EdgeSensorModule.Configuration;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// The hub and device id in use: <c>Device__HostName</c> and <c>Device__Id</c>, or what DPS assigned (the metrics'
/// <c>iothub</c> and <c>edge_device</c> labels read it).
/// </summary>
public sealed class CurrentHub(DeviceOptions device)
{
    volatile Assigned? assigned;

    /// <summary>The hub's host name; empty until DPS has assigned one when <c>Device__HostName</c> is unset.</summary>
    public string HostName => assigned?.HostName ?? device.HostName;

    /// <summary>The device id in that hub.</summary>
    public string DeviceId => assigned?.DeviceId ?? device.Id;

    /// <summary>Records what DPS assigned.</summary>
    public void Assign(string hostName, string deviceId) => assigned = new Assigned(hostName, deviceId);

    sealed record Assigned(string HostName, string DeviceId);
}
