using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HubSimulator.Tests;

/// <summary>Keeps every log line of the in-process simulator so tests can assert that a refusal says why.</summary>
public sealed class LogCollector : ILoggerProvider
{
    readonly ConcurrentQueue<string> lines = new();

    /// <summary>The lines so far.</summary>
    public IReadOnlyList<string> Lines => [.. lines];

    /// <summary>Waits until a line contains every one of <paramref name="parts"/>; returns it.</summary>
    public async Task<string> WaitForAsync(TimeSpan timeout, params string[] parts)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = lines.FirstOrDefault(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));
            if (line is not null)
            {
                return line;
            }

            try
            {
                await Task.Delay(20, deadline.Token); // poll the queue, bounded by the deadline
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No simulator log line with [{string.Join(", ", parts)}] within {timeout}. Lines:\n{string.Join('\n', lines)}");
            }
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Collector(lines);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    sealed class Collector(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
