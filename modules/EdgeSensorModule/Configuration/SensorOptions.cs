using System.Globalization;

namespace EdgeSensorModule.Configuration;

/// <summary>Sensor drivers.</summary>
public enum SensorType
{
    /// <summary>A reproducible random walk; no hardware needed.</summary>
    Fake,

    /// <summary>Probe the usual addresses and chip ids on the bus; use the first chip found.</summary>
    Auto,

    /// <summary>Bosch BME280: temperature, humidity (and pressure).</summary>
    Bme280,

    /// <summary>Bosch BMP280: temperature only here (it has no humidity sensor).</summary>
    Bmp280,

    /// <summary>Sensirion SHT30/31/35.</summary>
    Sht3x,

    /// <summary>Sensirion SHT40/41/45.</summary>
    Sht4x,

    /// <summary>Sensirion SHTC3.</summary>
    Shtc3,

    /// <summary>Silicon Labs Si7021 (and the HTU21D/SHT21 sharing its commands).</summary>
    Si7021,

    /// <summary>Aosong AHT20.</summary>
    Aht20,
}

/// <summary>Which sensor to read and how patiently (section <c>Sensor</c>).</summary>
public sealed class SensorOptions : IParsedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Sensor";

    /// <summary>The driver, by name.</summary>
    public SensorType Type { get; internal set; } = SensorType.Fake;

    /// <summary>Seed of the fake driver's random walk; random when null.</summary>
    public int? Seed { get; set; }

    /// <summary>The I2C bus: <c>/dev/i2c-{I2cBus}</c>; 1 on a Raspberry Pi's GPIO header.</summary>
    public int I2cBus { get; set; } = 1;

    /// <summary>The chip's 7-bit address, hex (<c>0x76</c>) or decimal; the chip's usual address when unset.</summary>
    public string? I2cAddress { get; set; }

    /// <summary>Limit for one measurement (a few tens of ms on a healthy chip).</summary>
    public TimeSpan ReadTimeout { get; internal set; } = TimeSpan.FromSeconds(2);

    /// <summary>Allowed for <see cref="ReadTimeout"/>.</summary>
    public static DurationRange ReadTimeoutRange { get; } = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));

    /// <summary>Retries of a read that failed on the bus (errors 121/110 that the Pi produces now and then).</summary>
    public int ReadRetries { get; set; } = 2;

    /// <summary>Wait before the first retry; doubled for each further one.</summary>
    public TimeSpan RetryDelay { get; internal set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Allowed for <see cref="RetryDelay"/>.</summary>
    public static DurationRange RetryDelayRange { get; } = new(TimeSpan.Zero, TimeSpan.FromSeconds(10));

    /// <summary>Longest wait between attempts to reach a chip that does not answer (the first is 1 s).</summary>
    public TimeSpan ReconnectDelayMax { get; internal set; } = TimeSpan.FromSeconds(60);

    /// <summary>Allowed for <see cref="ReconnectDelayMax"/>.</summary>
    public static DurationRange ReconnectDelayMaxRange { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

    /// <summary>The same value this many reads in a row counts as a stuck chip; 0 turns the check off.</summary>
    public int FrozenReadCount { get; set; } = 120;

    /// <summary>The parsed <see cref="I2cAddress"/>; null when unset or invalid.</summary>
    public int? ParsedI2cAddress => ParseAddress(I2cAddress);

    /// <summary>Parses <c>0x76</c> or <c>118</c>; null when empty or not a number.</summary>
    public static int? ParseAddress(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = text.Trim();
        return value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null
            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    /// <inheritdoc />
    void IParsedOptions.Parse(SettingReader settings)
    {
        Type = settings.Choice(nameof(Type), Type);
        ReadTimeout = settings.Duration(nameof(ReadTimeout), ReadTimeout, ReadTimeoutRange);
        RetryDelay = settings.Duration(nameof(RetryDelay), RetryDelay, RetryDelayRange);
        ReconnectDelayMax = settings.Duration(nameof(ReconnectDelayMax), ReconnectDelayMax, ReconnectDelayMaxRange);
    }
}
