using EdgeSensorModule.Configuration;

namespace EdgeSensorModule.Tests.Configuration;

/// <summary>Durations as users write them: seconds by default, a unit suffix, or a TimeSpan; never days by accident.</summary>
public class DurationTests
{
    [Theory]
    [InlineData("5", 5_000)]
    [InlineData("30", 30_000)]
    [InlineData("0.5", 500)]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("30d", 2_592_000_000)]
    [InlineData(" 10 s ", 10_000)]
    [InlineData("00:00:05", 5_000)]
    [InlineData("00:00:00.010", 10)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("-1", -1_000)]
    public void TryParse_AcceptedForm_GivesTheDuration(string text, long milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("five seconds")]
    [InlineData("5 days")]
    [InlineData("1e9")]
    [InlineData("s")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    [InlineData("1:2:3:4:5")]
    public void TryParse_NotADuration_IsRefused(string text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(5_000, "5s")]
    [InlineData(1_177_000, "1177s")]
    [InlineData(120_000, "2m")]
    [InlineData(86_400_000, "1d")]
    [InlineData(3_600_000 * 36L, "36h")]
    public void Format_Duration_GivesTheShortestExactForm(long milliseconds, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
