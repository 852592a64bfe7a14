using Microsoft.Extensions.DependencyInjection;

namespace EdgeSensorModule.Hosting;

/// <summary>
/// Opens a service the module cannot run without (the device identity, the trust bundle, the outbox) before the host
/// starts, so a wrong file or folder is reported as its one line instead of failing inside a hosted service.
/// </summary>
internal sealed class OpenAtStartup<TService>(IServiceProvider services) : IStartupCheck
    where TService : notnull
{
    public Task RunAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<TService>();
        return Task.CompletedTask;
    }
}
