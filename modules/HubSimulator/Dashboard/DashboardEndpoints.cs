using HubSimulator.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HubSimulator.Dashboard;

/// <summary>
/// The web dashboard on the admin port: the page at <c>/</c> (embedded HTML, CSS and JavaScript, nothing from a
/// CDN), its live feed and its first view of the data. Actions go through the admin API.
/// </summary>
public static class DashboardEndpoints
{
    const string ResourcePrefix = "dashboard/";
    const int MaxHistory = 5000;

    static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>The dashboard's services.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DeviceConnections>();
        services.AddSingleton<FleetSummary>();
        services.AddSingleton<DashboardFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<DashboardFeed>());
        return services;
    }

    /// <summary>Maps the page, its files, the summary, the recent messages and the event stream.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Page("index.html"));
        app.MapGet("/dashboard/{file}", (string file) => Page(file));
        app.MapGet("/dashboard/summary", (FleetSummary fleet) => fleet.Build());
        app.MapGet("/dashboard/history", (int? limit, MessageStore messages) =>
        {
            var all = messages.For(null);
            return all.Skip(Math.Max(0, all.Count - Math.Clamp(limit ?? 2000, 0, MaxHistory))).Select(DashboardMessage.From);
        });
        app.MapGet("/dashboard/events", (DashboardFeed feed, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(feed.StreamAsync(cancellationToken)));
        return app;
    }

    static IResult Page(string file)
    {
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(ResourcePrefix + file);
        return stream is null || !ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType)
            ? Results.NotFound()
            : Results.Stream(stream, contentType);
    }
}
