using EdgeSensorModule.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeSensorModule.Tests.Hosting;

/// <summary>The exit code of a run: a service that crashes is a failure, never a clean exit 0.</summary>
public class ModuleHostTests
{
    sealed class CrashingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new ArgumentOutOfRangeException(nameof(stoppingToken), "a bug in a loop");
        }
    }

    [Fact]
    public async Task RunModuleAsync_ServiceCrashes_ExitsWithTheFailureCode()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHostedService<CrashingService>();
        using var host = builder.Build();

        var exitCode = await host.RunModuleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Failure, exitCode);
    }
}
