using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HubSimulator.Cloud;
using HubSimulator.Dashboard;
using HubSimulator.Provisioning;
using HubSimulator.Registry;
using HubSimulator.Messages;
using IotHub.Protocol;
using IotHub.Protocol.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HubSimulator.Admin;

/// <summary>The admin API (JSON over HTTP, loopback): what the portal and the service SDK do on a real hub.</summary>
public static class AdminEndpoints
{
    /// <summary>IoT Hub's longest direct-method response timeout.</summary>
    const int MaxMethodTimeoutSeconds = 300;

    /// <summary>How long <c>GET /messages/count?atLeast=</c> waits when the caller does not say.</summary>
    const int DefaultCountWaitSeconds = 30;

    /// <summary>Maps every endpoint.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cas", (DeviceRegistry registry) => registry.CertificateAuthorities());
        app.MapPost("/cas", (AddCaRequest request, DeviceRegistry registry) =>
            Guard(() => Results.Created($"/cas/{request.Name}", registry.AddCa(request.Name, request.CertificatePem))));
        app.MapPost("/cas/{name}/verification-code", (string name, DeviceRegistry registry) =>
            Guard(() => Results.Ok(new VerificationCodeResponse(name, registry.NewVerificationCode(name)))));
        app.MapPost("/cas/{name}/verify", (string name, VerifyCaRequest request, DeviceRegistry registry) =>
            Guard(() => Results.Ok(registry.VerifyCa(name, request.CertificatePem))));

        app.MapGet("/devices", (DeviceRegistry registry) => registry.Devices());
        app.MapPost("/devices", (AddDeviceRequest request, DeviceRegistry registry) =>
            Guard(() => Results.Created($"/devices/{request.DeviceId}",
                registry.AddDevice(request.DeviceId, request.Authentication, request.PrimaryThumbprint, request.SecondaryThumbprint))));
        app.MapDelete("/devices/{id}", (string id, DeviceRegistry registry) => Guard(() =>
        {
            registry.RemoveDevice(id);
            return Results.NoContent();
        }));
        app.MapEnrollments();
        app.MapGet("/devices/{id}/messages", (string id, MessageStore telemetry) => telemetry.For(id));
        app.MapGet("/devices/{id}/connection", (string id, DeviceRegistry registry, DeviceConnections connections) =>
            Known(registry, id) ?? (connections.Find(id) is { } connection
                ? Results.Ok(connection)
                : Results.NotFound(new ErrorResponse($"Device '{id}' is not connected."))));
        app.MapGet("/messages", (MessageStore telemetry) => telemetry.For(null));
        app.MapGet("/messages/count", CountMessagesAsync);

        app.MapGet("/devices/{id}/twin", (string id, DeviceRegistry registry, TwinStore twins) =>
            Known(registry, id) ?? Results.Ok(twins.Get(id)));
        app.MapPatch("/devices/{id}/twin/desired", async (string id, JsonObject patch, DeviceRegistry registry, TwinStore twins, DeviceLink link) =>
        {
            if (Known(registry, id) is { } missing)
            {
                return missing;
            }

            var result = twins.PatchDesired(id, patch);
            if (!result.Applied)
            {
                return Results.BadRequest(new ErrorResponse(result.Problem!));
            }

            // Only a connected device is notified, over whichever transport it uses: IoT Hub keeps no desired
            // notifications for disconnected devices, which read the whole twin when they connect.
            await link.PushDesiredAsync(id, result.Pushed!, result.Version);
            return Results.Ok(twins.Get(id));
        });
        app.MapPost("/devices/{id}/methods/{method}", async (string id, string method, InvokeMethodRequest request, DeviceRegistry registry, MethodCalls methods, CancellationToken cancellationToken) =>
        {
            if (Known(registry, id) is { } missing)
            {
                return missing;
            }

            if (request.TimeoutSeconds is < 1 or > MaxMethodTimeoutSeconds)
            {
                return Results.BadRequest(new ErrorResponse($"timeoutSeconds {request.TimeoutSeconds} is outside 1-{MaxMethodTimeoutSeconds}."));
            }

            var payload = request.Payload?.ToJsonString() ?? "null";
            var result = await methods.InvokeAsync(id, method, payload, TimeSpan.FromSeconds(request.TimeoutSeconds ?? 30), cancellationToken);
            return result.Outcome == MethodOutcome.Answered
                ? Results.Ok(new InvokeMethodResponse(result.Status, ParseOrText(result.Payload)))
                : Results.Json(new ErrorResponse(result.Payload), statusCode: result.Status);
        });
        app.MapPost("/devices/{id}/messages/devicebound", async (string id, CloudToDeviceRequest request, DeviceRegistry registry, CloudToDeviceMessages queue) =>
        {
            if (Known(registry, id) is { } missing)
            {
                return missing;
            }

            var maxSeconds = (int)CloudToDeviceMessages.MaxTimeToLive.TotalSeconds;
            if (request.TimeToLiveSeconds is < 1 || request.TimeToLiveSeconds > maxSeconds)
            {
                return Results.BadRequest(new ErrorResponse($"timeToLiveSeconds {request.TimeToLiveSeconds} is outside 1-{maxSeconds} (IoT Hub's longest is 2 days)."));
            }

            var timeToLive = request.TimeToLiveSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : CloudToDeviceMessages.DefaultTimeToLive;
            if (queue.Enqueue(id, request.Body, request.Properties ?? [], timeToLive) is not { } message)
            {
                return Results.Json(new ErrorResponse($"Device '{id}' already has {CloudToDeviceMessages.MaxDepth} cloud-to-device messages queued, IoT Hub's maximum "
                    + "(403002 DeviceMaximumQueueDepthExceeded); the device must complete some, or they must expire, first."), statusCode: StatusCodes.Status403Forbidden);
            }

            await queue.DeliverAsync(id);
            return Results.Accepted(value: new { messageId = message.MessageId, expiresAt = message.ExpiresAt });
        });
        return app;
    }

    /// <summary>
    /// How many messages the hub has stored since it started (every device's, kept or not); with <paramref name="atLeast"/>,
    /// answered once that many are stored, or after <paramref name="timeoutSeconds"/> with the count then: a watcher
    /// (the benchmark) learns of arrivals without a request or a log line per message.
    /// </summary>
    static async Task<IResult> CountMessagesAsync(long? atLeast, int? timeoutSeconds, MessageStore telemetry, CancellationToken cancellationToken)
    {
        if (timeoutSeconds is < 1 or > MaxMethodTimeoutSeconds)
        {
            return Results.BadRequest(new ErrorResponse($"timeoutSeconds {timeoutSeconds} is outside 1-{MaxMethodTimeoutSeconds}."));
        }

        if (atLeast is not { } count)
        {
            return Results.Ok(new MessageCountResponse(telemetry.Received));
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds ?? DefaultCountWaitSeconds));
        try
        {
            return Results.Ok(new MessageCountResponse(await telemetry.WaitForReceivedAsync(count, wait.Token)));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Results.Ok(new MessageCountResponse(telemetry.Received));
        }
    }

    static IResult? Known(DeviceRegistry registry, string id) =>
        registry.FindDevice(id) is null ? Results.NotFound(new ErrorResponse($"Device '{id}' is not registered.")) : null;

    internal static IResult Guard(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (RegistryException ex)
        {
            return Results.Json(new ErrorResponse(ex.Message), statusCode: ex.StatusCode);
        }
    }

    static JsonNode? ParseOrText(string payload)
    {
        try
        {
            return JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return JsonValue.Create(payload);
        }
    }
}
