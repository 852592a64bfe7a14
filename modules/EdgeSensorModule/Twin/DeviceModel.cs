namespace EdgeSensorModule.Twin;

/// <summary>
/// The module's IoT Plug and Play model (DTDL v2, <c>Model/EdgeSensor.json</c>): its id is sent in the MQTT username
/// (<c>&amp;model-id=</c>), so IoT Central and the portal's device views know the device's properties and commands.
/// </summary>
public static class DeviceModel
{
    /// <summary>The model's DTMI; bump the version when the contract changes.</summary>
    public const string Id = "dtmi:edgesensormodule:EdgeSensor;1";
}
