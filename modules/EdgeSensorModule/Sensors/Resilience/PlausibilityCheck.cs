using EdgeSensorModule.Sensors.Drivers;

namespace EdgeSensorModule.Sensors.Resilience;

/// <summary>
/// Last line before telemetry: values outside what the chips measure in this use (-40..85 °C, 0..100 %RH) and
/// a value frozen for many reads (a chip that stopped measuring) are failures, never readings.
/// </summary>
public sealed class PlausibilityCheck(int frozenReadCount)
{
    /// <summary>Lowest plausible temperature, °C (the operating range of the supported chips).</summary>
    public const double MinTemperature = -40;

    /// <summary>Highest plausible temperature, °C.</summary>
    public const double MaxTemperature = 85;

    ChipMeasurement? previous;
    int repeats;

    /// <summary>Null when <paramref name="measurement"/> may be sent, else why not.</summary>
    public SensorResult? Check(ChipMeasurement measurement)
    {
        var (temperature, humidity) = measurement;
        if (!double.IsFinite(temperature) || temperature is < MinTemperature or > MaxTemperature)
        {
            return SensorResult.Fail(SensorFailureKind.OutOfRange, $"temperature {temperature:0.###} °C is outside {MinTemperature}..{MaxTemperature} °C");
        }

        if (humidity is { } rh && (!double.IsFinite(rh) || rh is < 0 or > 100))
        {
            return SensorResult.Fail(SensorFailureKind.OutOfRange, $"humidity {rh:0.###} % is outside 0..100 %");
        }

        repeats = measurement == previous ? repeats + 1 : 1;
        previous = measurement;
        return frozenReadCount > 0 && repeats >= frozenReadCount
            ? SensorResult.Fail(SensorFailureKind.Implausible, $"the same value ({temperature:0.###} °C) {repeats} reads in a row: the chip seems stuck")
            : null;
    }
}
