namespace EdgeSensorModule.Sensors.I2c;

/// <summary>
/// Reads the errno out of System.Device.Gpio's I2C exceptions, which carry it only in their text (the one place that reads it;
/// I2cErrorsTests pins the real library's wording), e.g.
/// "Error 121 (Remote I/O error) performing I2C data transfer." or "Error 2 (No such file or directory). Can not open ...".
/// </summary>
internal static class I2cErrors
{
    const int NoSuchFile = 2;
    const int PermissionDenied = 13;

    public static bool IsMissing(IOException exception) => Errno(exception) == NoSuchFile;

    public static bool IsPermissionDenied(IOException exception) => Errno(exception) == PermissionDenied
        || exception is { InnerException: UnauthorizedAccessException };

    /// <summary>The errno in the message, or null.</summary>
    public static int? Errno(IOException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        const string Prefix = "Error ";
        var message = exception.Message;
        if (!message.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = Prefix.Length;
        while (end < message.Length && char.IsAsciiDigit(message[end]))
        {
            end++;
        }

        return int.TryParse(message.AsSpan(Prefix.Length, end - Prefix.Length), System.Globalization.CultureInfo.InvariantCulture, out var errno)
            ? errno
            : null;
    }
}
