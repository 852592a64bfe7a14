using System.Device.I2c;

namespace EdgeSensorModule.Sensors.I2c;

/// <summary>Opens the I2C device at <paramref name="address"/> on bus <paramref name="bus"/> (<c>/dev/i2c-{bus}</c>).</summary>
/// <remarks>Production opens the Linux device; tests hand in register-level chip emulators.</remarks>
public delegate I2cDevice I2cDeviceFactory(int bus, int address);

/// <summary>The production <see cref="I2cDeviceFactory"/>.</summary>
public static class LinuxI2c
{
    /// <summary>The device file of bus <paramref name="bus"/>.</summary>
    public static string BusPath(int bus) => $"/dev/i2c-{bus}";

    /// <summary>Opens <c>/dev/i2c-{bus}</c>; a missing or forbidden bus becomes a <see cref="SensorSetupException"/>.</summary>
    public static I2cDevice Open(int bus, int address)
    {
        // Checked first: System.Device.Gpio's own message for a missing file says nothing about IoT Edge.
        if (!File.Exists(BusPath(bus)))
        {
            throw SensorSetupException.BusMissing(bus);
        }

        try
        {
            return I2cDevice.Create(new I2cConnectionSettings(bus, address));
        }
        catch (IOException ex) when (I2cErrors.IsPermissionDenied(ex))
        {
            throw SensorSetupException.PermissionDenied(bus, ex);
        }
        catch (IOException ex) when (I2cErrors.IsMissing(ex))
        {
            throw SensorSetupException.BusMissing(bus, ex);
        }
    }
}
