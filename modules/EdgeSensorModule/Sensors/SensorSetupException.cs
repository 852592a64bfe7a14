using EdgeSensorModule.Sensors.I2c;

namespace EdgeSensorModule.Sensors;

/// <summary>
/// A sensor setup mistake that retrying will not cure (no I2C bus in the container, no permission, another chip
/// than configured). At startup it stops the module with its one-line message; later it is a failed reading.
/// </summary>
public sealed class SensorSetupException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public SensorSetupException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public SensorSetupException()
        : this("The sensor is not set up correctly.")
    {
    }

    /// <summary>Creates the exception with its one-line message.</summary>
    public SensorSetupException(string message)
        : this(message, null)
    {
    }

    /// <summary><c>/dev/i2c-{bus}</c> does not exist: I2C off on the host, or not mapped into the container.</summary>
    public static SensorSetupException BusMissing(int bus, Exception? inner = null)
    {
        var path = LinuxI2c.BusPath(bus);
        return new(
            $"Sensor__I2cBus {bus}: {path} does not exist. In IoT Edge map it into the module in createOptions: "
            + $"\"HostConfig\":{{\"Devices\":[{{\"PathOnHost\":\"{path}\",\"PathInContainer\":\"{path}\",\"CgroupPermissions\":\"rwm\"}}]}}; "
            + "on the Pi enable I2C (raspi-config, or dtparam=i2c_arm=on) and check with 'ls /dev/i2c-*'.",
            inner);
    }

    /// <summary>The process may not open <c>/dev/i2c-{bus}</c>.</summary>
    public static SensorSetupException PermissionDenied(int bus, Exception? inner = null)
    {
        var path = LinuxI2c.BusPath(bus);
        return new(
            $"Sensor__I2cBus {bus}: permission denied opening {path}. Run the module as a member of the host's i2c group: "
            + "in createOptions \"HostConfig\":{\"GroupAdd\":[\"<gid>\"]} with the gid from 'getent group i2c' on the host "
            + "(and CgroupPermissions \"rwm\" on the device mapping).",
            inner);
    }
}
