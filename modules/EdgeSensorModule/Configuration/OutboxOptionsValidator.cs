using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Configuration;

/// <summary>Checks <see cref="OutboxOptions"/>; each failure names the environment variable and the fix.</summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"Outbox__Path is empty: set it to a writable folder (in a container, a mounted volume), or leave it unset for {OutboxOptions.DefaultPath}.");
        }

        if (options.MaxMessages < 1)
        {
            failures.Add($"Outbox__MaxMessages {options.MaxMessages} is too small: use at least 1 (100000 keeps about 5.8 days of readings taken every 5 s).");
        }

        if (options.MaxBytes < OutboxOptions.MinimumBytes)
        {
            failures.Add($"Outbox__MaxBytes {options.MaxBytes} is too small: use at least {OutboxOptions.MinimumBytes} (256 KiB).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
