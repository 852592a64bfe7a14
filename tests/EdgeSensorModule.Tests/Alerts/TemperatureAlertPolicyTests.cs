using EdgeSensorModule.Alerts;
using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Alerts;

public class TemperatureAlertPolicyTests
{
    static TemperatureAlertPolicy Policy(double threshold = 30) => new(Options.Create(new AlertOptions { TemperatureThreshold = threshold }));

    [Theory]
    [InlineData(30.01, true)]
    [InlineData(35, true)]
    [InlineData(30, false)]
    [InlineData(29.99, false)]
    [InlineData(-10, false)]
    public void IsAlert_DefaultThreshold_TrueOnlyStrictlyAbove30(double temperature, bool expected)
    {
        Assert.Equal(expected, Policy().IsAlert(temperature));
    }

    [Fact]
    public void IsAlert_ConfiguredThreshold_IsUsed()
    {
        Assert.True(Policy(threshold: 20).IsAlert(20.5));
        Assert.False(Policy(threshold: 40).IsAlert(39.9));
    }

    [Fact]
    public void Threshold_Default_Is30()
    {
        Assert.Equal(30, new AlertOptions().TemperatureThreshold);
    }
}
