using System.Diagnostics;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Sensors;

/// <summary>The real module process with a real sensor type on a machine whose I2C bus is missing or misnamed.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class SensorStartupTests : IDisposable
{
    readonly TestPki pki = new();
    readonly Dictionary<string, string?> environment;

    public SensorStartupTests()
    {
        var device = pki.IssueDevice("dev1");
        environment = ModuleEnvironment.ForPfx(pki, device, "dev1", FreePort.Next());
    }

    async Task<string> FailingLineAsync()
    {
        var watch = Stopwatch.StartNew();
        var line = await ModuleEnvironment.SetupErrorLineAsync(environment);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        return line;
    }

    [Fact]
    public async Task Start_Bme280OnABusThatDoesNotExist_NamesTheIotEdgeDeviceMapping()
    {
        environment["Sensor__Type"] = "Bme280";
        environment["Sensor__I2cBus"] = "99";

        var line = await FailingLineAsync();

        Assert.Contains("Sensor__I2cBus 99: /dev/i2c-99 does not exist. In IoT Edge map it into the module in createOptions: "
            + "\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/i2c-99\",\"PathInContainer\":\"/dev/i2c-99\",\"CgroupPermissions\":\"rwm\"}]}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AddressNotAnI2cAddress_SaysHowToWriteOne()
    {
        environment["Sensor__Type"] = "Sht3x";
        environment["Sensor__I2cAddress"] = "0x99";

        Assert.Contains("Sensor__I2cAddress '0x99' is not a 7-bit I2C address: use hex like 0x76 or decimal like 118", await FailingLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownSensorType_ListsTheDrivers()
    {
        environment["Sensor__Type"] = "Dht22";

        Assert.Contains("Sensor__Type: 'Dht22' is not a valid value: use one of Fake, Auto, Bme280, Bmp280, Sht3x, Sht4x, Shtc3, Si7021, Aht20 (by name).", await FailingLineAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => pki.Dispose();
}
