using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace HubSimulator.Tests;

/// <summary>
/// The in-process simulator's log (Microsoft.Extensions.Diagnostics.Testing's fake provider, Information and above),
/// so tests can assert that a refusal says why.
/// </summary>
public sealed class LogCollector : ILoggerProvider
{
    readonly FakeLogCollector collector = FakeLogCollector.Create(new FakeLogCollectorOptions { FilteredLevels = { LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical } });
    readonly FakeLoggerProvider provider;

    /// <summary>Collects into a fresh log.</summary>
    public LogCollector() => provider = new FakeLoggerProvider(collector);

    /// <summary>The lines so far, as "Level: message".</summary>
    public IReadOnlyList<string> Lines => [.. collector.GetSnapshot().Select(r => $"{r.Level}: {r.Message}")];

    /// <summary>Waits until a line contains every one of <paramref name="parts"/>; returns it.</summary>
    public async Task<string> WaitForAsync(TimeSpan timeout, params string[] parts)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = Lines.FirstOrDefault(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));
            if (line is not null)
            {
                return line;
            }

            try
            {
                await Task.Delay(20, deadline.Token); // poll the log, bounded by the deadline
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No simulator log line with [{string.Join(", ", parts)}] within {timeout}. Lines:\n{string.Join('\n', Lines)}");
            }
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    /// <inheritdoc />
    public void Dispose() => provider.Dispose();
}
