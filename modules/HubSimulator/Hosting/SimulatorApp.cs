using System.Net;
using System.Text.Json.Serialization;
using HubSimulator.Admin;
using HubSimulator.Broker;
using HubSimulator.Broker.Amqp;
using HubSimulator.Broker.WebSockets;
using HubSimulator.Cloud;
using HubSimulator.Dashboard;
using HubSimulator.Registry;
using HubSimulator.Messages;
using HubSimulator.Provisioning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSimulator.Hosting;

/// <summary>Builds the simulator: the MQTT endpoints (TLS, WebSocket), the registry and cloud-side state, and the admin API.</summary>
public static class SimulatorApp
{
    /// <summary>Builds the application from the command line, environment (<c>Simulator__*</c>) and <paramref name="settings"/>.</summary>
    /// <param name="args">Command-line settings (<c>--Simulator:MqttPort 8883</c>).</param>
    /// <param name="settings">Settings that override the others (the demo, tests).</param>
    /// <param name="logging">Extra logging setup (tests collect the log lines).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None); // RunAsync reports start-up failures in one line
        logging?.Invoke(builder.Logging);
        builder.Services.AddOptions<SimulatorOptions>().Bind(builder.Configuration.GetSection(SimulatorOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();
        builder.Services.AddSimulator();
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true); // AdminErrors words them
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection(SimulatorOptions.Section).Get<SimulatorOptions>() ?? new SimulatorOptions();
            kestrel.Limits.MaxRequestBodySize = AdminErrors.MaxBodyBytes;
            if (IPAddress.TryParse(options.BindAddress, out var address))
            {
                kestrel.Listen(address, options.AdminPort);
            }

            DeviceWebSockets.Listen(kestrel, options);
        });
        var app = builder.Build();
        app.UseOneLineErrors();
        app.UseDeviceWebSockets(builder.Configuration.GetSection(SimulatorOptions.Section).Get<SimulatorOptions>() ?? new SimulatorOptions());
        app.UseAdminToken();
        app.MapAdminApi();
        app.MapDashboard();
        return app;
    }

    /// <summary>The <c>run</c> verb: builds, runs until stopped; a port in use is a <see cref="StartupException"/>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Build(args);
        var options = app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        try
        {
            await app.RunAsync();
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            throw StartupException.PortInUse("Simulator__AdminPort", options.BindAddress, options.AdminPort, ex);
        }

        return 0;
    }

    /// <summary>The simulator's services, one line per concern.</summary>
    public static IServiceCollection AddSimulator(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new DeviceRegistry(Options(provider).ResolvedStateFile));
        services.AddSingleton(provider => new MessageStore(Options(provider).ResolvedMessagesFile, Options(provider).MaxKeptMessages));
        services.AddSingleton<TwinStore>();
        services.AddSingleton<DeviceLink>();
        services.AddSingleton<MqttHubSender>();
        services.AddSingleton<MqttDeviceSessions>();
        services.AddSingleton<MethodCalls>();
        services.AddSingleton<CloudToDeviceMessages>();
        services.AddSingleton<ClientChains>();
        services.AddSingleton<DeviceTls>();
        services.AddSingleton<TlsListener>();
        services.AddSingleton<AmqpTlsListener>();
        services.AddSingleton<AmqpWebSocketListener>();
        services.AddSingleton<AmqpTwinRequests>();
        services.AddSingleton<AmqpDeviceLinks>();
        services.AddSingleton<MqttWebSocketAdapter>();
        services.AddSingleton<DeviceWebSockets>();
        services.AddSingleton<DeviceAuthenticator>();
        services.AddSingleton<PublishHandler>();
        services.AddDashboard();
        services.AddSingleton<HubServer>();
        services.AddHostedService(provider => provider.GetRequiredService<HubServer>());
        services.AddSingleton<AmqpHubServer>();
        services.AddHostedService(provider => provider.GetRequiredService<AmqpHubServer>());
        services.AddProvisioning();
        return services;
    }

    static SimulatorOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<SimulatorOptions>>().Value;
}
