namespace EdgeSensorModule.Hosting;

/// <summary>
/// Work that must succeed before the host starts, such as opening the sensor's bus: run by
/// <see cref="ModuleHost.RunModuleAsync"/>, so a setup mistake it throws is reported as one line with exit code 2
/// instead of the host's own "Hosting failed to start" stack trace.
/// </summary>
public interface IStartupCheck
{
    /// <summary>Checks; throws an exception <c>StartupError</c> describes when setup is wrong.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
