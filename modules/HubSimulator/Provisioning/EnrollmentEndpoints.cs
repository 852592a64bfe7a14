using HubSimulator.Admin;
using HubSimulator.Hosting;
using HubSimulator.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubSimulator.Provisioning;

/// <summary>The DPS part of the admin API (<c>/enrollments</c>) and its services.</summary>
public static class EnrollmentEndpoints
{
    /// <summary>Maps <c>GET /enrollments</c>, <c>POST /enrollments/groups</c>, <c>POST /enrollments/individuals</c> and their <c>PATCH</c> (enable, disable).</summary>
    public static IEndpointRouteBuilder MapEnrollments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/enrollments", (EnrollmentStore store) => store.Snapshot());
        app.MapPost("/enrollments/groups", (AddGroupRequest request, EnrollmentStore store) =>
            AdminEndpoints.Guard(() => Results.Created($"/enrollments/groups/{request.GroupId}", store.AddGroup(request))));
        app.MapPost("/enrollments/individuals", (AddIndividualRequest request, EnrollmentStore store) =>
            AdminEndpoints.Guard(() => Results.Created($"/enrollments/individuals/{request.RegistrationId}", store.AddIndividual(request))));
        app.MapPatch("/enrollments/groups/{id}", (string id, EnrollmentSwitch request, EnrollmentStore store) =>
            AdminEndpoints.Guard(() => Results.Ok(store.SetGroupEnabled(id, request.Enabled))));
        app.MapPatch("/enrollments/individuals/{id}", (string id, EnrollmentSwitch request, EnrollmentStore store) =>
            AdminEndpoints.Guard(() => Results.Ok(store.SetIndividualEnabled(id, request.Enabled))));
        return app;
    }

    /// <summary>The DPS endpoint's services; it listens only when <c>Simulator__ProvisioningPort</c> is set.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.AddSingleton(provider => new EnrollmentStore(
            provider.GetRequiredService<DeviceRegistry>(),
            EnrollmentStore.FileBeside(provider.GetRequiredService<IOptions<SimulatorOptions>>().Value.ResolvedStateFile)));
        services.AddSingleton<Attestation>();
        services.AddSingleton<ProvisioningDesk>();
        services.AddSingleton<ProvisioningServer>();
        services.AddHostedService(provider => provider.GetRequiredService<ProvisioningServer>());
        return services;
    }
}
