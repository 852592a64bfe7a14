using System.Runtime;
using EdgeSensorModule.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Hosting;

/// <summary>Exit codes of the module process.</summary>
public static class ExitCodes
{
    /// <summary>Ran to completion, or stopped by a signal.</summary>
    public const int Success = 0;

    /// <summary>Something unexpected, such as a service that crashed; the log says what.</summary>
    public const int Failure = 1;

    /// <summary>A setting, certificate or key is wrong; the log's one line says which and how to fix it.</summary>
    public const int Configuration = 2;
}

/// <summary>Runs the host and turns setup mistakes into one log line and exit code 2, with no stack trace.</summary>
public static partial class ModuleHost
{
    /// <summary>Runs until stopped; returns the process exit code.</summary>
    public static async Task<int> RunModuleAsync(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeSensorModule");
        try
        {
            await CheckSetupAsync(host.Services);

            // Not RunAsync: it disposes the services, and their outcome is read below.
            await host.StartAsync();
            await host.WaitForShutdownAsync();
            // The host has logged a crashed service and stopped; without this the process would exit 0.
            return Crashed(host.Services) ? ExitCodes.Failure : Environment.ExitCode;
        }
        catch (Exception ex) when (StartupError.Describe(ex) is { } line)
        {
            // The stack trace helps only developers: shown when debug logging is on.
            LogSetupError(logger, logger.IsEnabled(LogLevel.Debug) ? ex : null, line);
            return ExitCodes.Configuration;
        }
        catch (Exception ex)
        {
            LogUnexpected(logger, ex);
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// Validates every option and runs the startup checks (sensor, identity, trust bundle, outbox) before the host
    /// starts, so a setup mistake is reported here as one line instead of by the host's own "Hosting failed to start"
    /// error with its stack trace.
    /// </summary>
    static async Task CheckSetupAsync(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        foreach (var check in services.GetServices<IStartupCheck>())
        {
            await check.RunAsync(CancellationToken.None);
        }

        CompactHeap();
    }

    /// <summary>
    /// Opening the outbox on a large backlog leaves garbage behind (among it the pending index's outgrown arrays, on the
    /// large-object heap, which only a full collection returns): one compacting collection before the run starts keeps
    /// it out of the peak memory of the drain that follows (docs/performance.md, Memory). It takes milliseconds, once.
    /// </summary>
    static void CompactHeap()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    static bool Crashed(IServiceProvider services) =>
        services.GetServices<IHostedService>().OfType<BackgroundService>().Any(service => service.ExecuteTask is { IsFaulted: true });

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Line}")]
    private static partial void LogSetupError(ILogger logger, Exception? exception, string line);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The module stopped on an unexpected error")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
