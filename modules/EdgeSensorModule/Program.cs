using EdgeSensorModule.Hosting;
using Microsoft.Extensions.Hosting;

// The content root is the module's own folder, so its appsettings.json is read wherever it is started from
// (dotnet run from the repository root, a service unit, a container); a relative Outbox__Path stays relative to
// the working directory (OutboxOptions.Path).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddEdgeSensorModule();
using var host = builder.Build();
return await host.RunModuleAsync();
