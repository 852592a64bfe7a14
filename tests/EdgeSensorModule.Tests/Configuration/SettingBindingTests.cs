using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Configuration;

/// <summary>The module's own binding path (<c>AddModuleOptions</c>) for durations and choices, without a process.</summary>
public class SettingBindingTests
{
    /// <summary>The module's options from a valid device configuration with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    static ServiceProvider Provider(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Device:Id"] = "dev1",
            ["Device:HostName"] = "localhost",
            ["Device:CertificatePath"] = "/certs/dev1.pfx",
            [key] = value,
        };
        return new ServiceCollection().AddModuleOptions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
    }

    static T Bind<T>(string key, string value)
        where T : class
    {
        using var provider = Provider(key, value);
        return provider.GetRequiredService<IOptions<T>>().Value;
    }

    /// <summary>The refusal binding the Device, Sensor and Telemetry sections gives.</summary>
    static SettingException Refusal(string key, string value)
    {
        using var provider = Provider(key, value);
        return Assert.Throws<SettingException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<DeviceOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<SensorOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        });
    }

    [Fact]
    public void Bind_IntervalAsPlainNumber_IsSeconds() =>
        Assert.Equal(TimeSpan.FromSeconds(5), Bind<TelemetryOptions>("Telemetry:Interval", "5").Interval);

    [Fact]
    public void Bind_ConnectTimeoutAsPlainNumber_IsSeconds() =>
        Assert.Equal(TimeSpan.FromSeconds(30), Bind<DeviceOptions>("Device:ConnectTimeout", "30").ConnectTimeout);

    [Fact]
    public void Bind_ReadTimeoutWithUnit_IsThatDuration() =>
        Assert.Equal(TimeSpan.FromMilliseconds(500), Bind<SensorOptions>("Sensor:ReadTimeout", "500ms").ReadTimeout);

    [Fact]
    public void Bind_SensorTypeInAnyCase_IsTheDriver() =>
        Assert.Equal(SensorType.Bme280, Bind<SensorOptions>("Sensor:Type", "bme280").Type);

    [Theory]
    [InlineData("Sensor:Type", "99")]
    [InlineData("Sensor:Type", "2")]
    [InlineData("Device:Transport", "1")]
    public void Bind_ChoiceAsNumber_IsRefusedNamingTheChoices(string key, string value)
    {
        var error = Refusal(key, value);

        Assert.StartsWith($"{key.Replace(":", "__", StringComparison.Ordinal)}: '{value}' is not a valid value: use one of ", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every duration setting, with the range its one line names.</summary>
    [Theory]
    [InlineData("Device:KeepAlive", "5s to 1177s")]
    [InlineData("Device:ConnectTimeout", "1s to 5m")]
    [InlineData("Device:OperationTimeout", "1s to 5m")]
    [InlineData("Sensor:ReadTimeout", "10ms to 1m")]
    [InlineData("Sensor:RetryDelay", "0s to 10s")]
    [InlineData("Sensor:ReconnectDelayMax", "1s to 1h")]
    [InlineData("Telemetry:Interval", "0s to 1d")]
    [InlineData("Telemetry:ShutdownTimeout", "1s to 1m")]
    public void Bind_DurationBeyondItsRange_IsRefusedNamingTheRange(string key, string range)
    {
        var error = Refusal(key, "1000h");

        Assert.Equal($"{key.Replace(":", "__", StringComparison.Ordinal)} 1000h is out of range: use {range}.", error.Message);
    }
}
