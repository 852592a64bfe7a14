using EdgeSensorModule.Hosting;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddEdgeSensorModule();
using var host = builder.Build();
return await host.RunModuleAsync();
