using System.Device.I2c;
using EdgeSensorModule.Sensors.I2c;

namespace EdgeSensorModule.Tests.Sensors.I2c;

/// <summary>
/// System.Device.Gpio reports an I2C failure only as text ("Error 2 ..."): <see cref="I2cErrors"/> is the one place that
/// reads it, and this test pins the real library's wording, so a package update that rewords it fails here.
/// </summary>
public class I2cErrorsTests
{
    [Fact]
    public void IsMissing_RealLibraryOpeningABusThatDoesNotExist_IsTrue()
    {
        var error = Assert.Throws<IOException>(() =>
        {
            // Some versions open /dev/i2c-N in Create, others at the first transfer.
            using var device = I2cDevice.Create(new I2cConnectionSettings(98, 0x76));
            device.ReadByte();
        });

        Assert.True(I2cErrors.IsMissing(error), error.Message);
    }
}
