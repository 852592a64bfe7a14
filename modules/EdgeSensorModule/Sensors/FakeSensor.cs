namespace EdgeSensorModule.Sensors;

/// <summary>
/// A reproducible random walk in the seed tutorial's ranges (about 20–35 °C and 60–80 %RH) that crosses the
/// default 30 °C threshold now and then. For running without hardware.
/// </summary>
public sealed class FakeSensor : ISensor
{
    const double MinTemperature = 20;
    const double MaxTemperature = 35;
    const double MinHumidity = 60;
    const double MaxHumidity = 80;

    readonly Random random;
    readonly TimeProvider clock;
    double temperature;
    double humidity;

    /// <summary>Creates the walk; the same <paramref name="seed"/> gives the same readings.</summary>
    public FakeSensor(int? seed, TimeProvider clock)
    {
        random = seed is { } value ? new Random(value) : new Random();
        this.clock = clock;
        temperature = MinTemperature + (random.NextDouble() * (MaxTemperature - MinTemperature));
        humidity = MinHumidity + (random.NextDouble() * (MaxHumidity - MinHumidity));
        Description = seed is null ? "fake sensor (random walk)" : $"fake sensor (random walk, seed {seed})";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public ValueTask<SensorResult> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        temperature = Step(temperature, 1.5, MinTemperature, MaxTemperature);
        humidity = Step(humidity, 2.0, MinHumidity, MaxHumidity);
        var reading = new SensorReading(Math.Round(temperature, 2), Math.Round(humidity, 2), clock.GetUtcNow());
        return ValueTask.FromResult(SensorResult.Success(reading));
    }

    /// <summary>One step of at most <paramref name="maxStep"/>, reflected at the range's ends.</summary>
    double Step(double value, double maxStep, double min, double max)
    {
        var next = value + ((random.NextDouble() * 2) - 1) * maxStep;
        if (next > max)
        {
            next = max - (next - max);
        }
        else if (next < min)
        {
            next = min + (min - next);
        }

        return next;
    }
}
