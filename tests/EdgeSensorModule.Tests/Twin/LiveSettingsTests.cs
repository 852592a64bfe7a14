using EdgeSensorModule.Configuration;
using EdgeSensorModule.Twin;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Twin;

public sealed class LiveSettingsTests
{
    readonly LiveSettings live = new(Options.Create(new AlertOptions { TemperatureThreshold = 30 }), Options.Create(new TelemetryOptions { Interval = TimeSpan.FromSeconds(5) }));

    [Fact]
    public void Current_NothingFromTheTwin_IsTheEnvironmentSettings()
    {
        Assert.Equal(new EffectiveSettings(30, TimeSpan.FromSeconds(5), true), live.Current);
    }

    [Fact]
    public void Apply_DesiredValues_OverrideTheEnvironmentAndRaiseChanged()
    {
        var changes = 0;
        live.Changed += () => changes++;

        live.Apply(new DesiredSettings(-100, TimeSpan.FromMilliseconds(200), false));

        Assert.Equal(new EffectiveSettings(-100, TimeSpan.FromMilliseconds(200), false), live.Current);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void Apply_PropertyRemoved_ReturnsToTheEnvironmentSetting()
    {
        live.Apply(new DesiredSettings(100, null, false));

        live.Apply(new DesiredSettings(null, null, false));

        Assert.Equal(30, live.AlertThreshold);
        Assert.False(live.SendData);
    }

    [Fact]
    public void Apply_SameEffectiveSettings_DoesNotRaiseChanged()
    {
        var changes = 0;
        live.Changed += () => changes++;

        live.Apply(new DesiredSettings(30, TimeSpan.FromSeconds(5), true));

        Assert.Equal(0, changes);
    }
}
