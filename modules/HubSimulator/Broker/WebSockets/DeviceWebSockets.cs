using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HubSimulator.Broker.Amqp;
using HubSimulator.Hosting;
using IotHub.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSimulator.Broker.WebSockets;

/// <summary>
/// IoT Hub's WebSocket endpoint (<c>wss://{host}:{Simulator__WebSocketPort}/$iothub/websocket</c>) on the simulator's
/// Kestrel: TLS 1.2/1.3 with a required client certificate whose chain <see cref="ClientChains"/> captures, as on the
/// MQTT port; then the upgrade, dispatched by sub-protocol in <see cref="DispatchAsync"/>.
/// </summary>
public sealed partial class DeviceWebSockets(
    DeviceTls deviceTls,
    ClientChains chains,
    MqttWebSocketAdapter mqtt,
    AmqpWebSocketListener amqp,
    ILogger<DeviceWebSockets> logger)
{
    /// <summary>The TLS settings of every connection to the WebSocket port.</summary>
    public SslServerAuthenticationOptions TlsOptions() => new()
    {
        ServerCertificateContext = deviceTls.ServerCertificateContext,
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = chains.Capture,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        EncryptionPolicy = EncryptionPolicy.RequireEncryption,
        ApplicationProtocols = [SslApplicationProtocol.Http11],
    };

    /// <summary>Adds the WebSocket port to Kestrel when <c>Simulator__WebSocketPort</c> is set.</summary>
    public static void Listen(KestrelServerOptions kestrel, SimulatorOptions settings)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.WebSocketPort is not { } port || !IPAddress.TryParse(settings.BindAddress, out var address))
        {
            return;
        }

        kestrel.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(listen.ApplicationServices.GetRequiredService<DeviceWebSockets>().TlsOptions()),
                HandshakeTimeout = settings.HandshakeTimeout,
            });
        });
    }

    /// <summary>
    /// The upgrade, by sub-protocol (any case, as the C SDK sends "MQTT"): <c>mqtt</c> goes to the MQTT server,
    /// <c>AMQPWSB10</c> to the AMQP endpoint (501 when it is off), each with the certificate of the TLS handshake;
    /// anything else is 400.
    /// </summary>
    public async Task DispatchAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        if (!string.Equals(context.Request.Path.Value, WebSocketEndpoint.Path, StringComparison.Ordinal))
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, remote, $"path '{context.Request.Path}' is not {WebSocketEndpoint.Path}");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, remote, "not a WebSocket upgrade request");
            return;
        }

        var requested = context.WebSockets.WebSocketRequestedProtocols;
        if (requested.FirstOrDefault(WebSocketEndpoint.IsMqtt) is { } mqttProtocol)
        {
            var certificate = context.Connection.ClientCertificate is { } presented ? X509CertificateLoader.LoadCertificate(presented.RawData) : null;
            using var socket = await context.WebSockets.AcceptWebSocketAsync(mqttProtocol);
            LogAccepted(logger, remote, mqttProtocol);
            await mqtt.ServeAsync(socket, Local(context), new IPEndPoint(context.Connection.RemoteIpAddress ?? IPAddress.None, context.Connection.RemotePort), certificate);
        }
        else if (requested.FirstOrDefault(WebSocketEndpoint.IsAmqp) is { } amqpProtocol)
        {
            await ServeAmqpAsync(context, amqpProtocol, remote);
        }
        else
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, remote,
                $"sub-protocols [{string.Join(", ", requested)}] include none of {WebSocketEndpoint.MqttSubProtocol}, {WebSocketEndpoint.AmqpSubProtocol}");
        }
    }

    /// <summary>
    /// AMQP over WebSocket: the device is judged as over AMQP/TLS, at link attach, on the certificate and chain of this
    /// connection's TLS handshake (taken now, as the AMQP/TLS endpoint takes them at accept).
    /// </summary>
    async Task ServeAmqpAsync(HttpContext context, string subProtocol, string remote)
    {
        if (!amqp.IsListening)
        {
            await RefuseAsync(context, StatusCodes.Status501NotImplemented, remote,
                $"sub-protocol {WebSocketEndpoint.AmqpSubProtocol} (AMQP over WebSocket) is not served: the AMQP endpoint is off (Simulator__AmqpPort=0)");
            return;
        }

        if (context.Connection.ClientCertificate is not { } presented)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, remote, "no client certificate in the TLS handshake");
            return;
        }

        var certificate = X509CertificateLoader.LoadCertificate(presented.RawData);
        var device = new DevicePrincipal(certificate, chains.SentWith(certificate), remote);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(subProtocol);
        LogAccepted(logger, remote, subProtocol);
        await amqp.ServeAsync(socket, device, Local(context).ToString(), context.RequestAborted);
    }

    static IPEndPoint Local(HttpContext context) => new(context.Connection.LocalIpAddress ?? IPAddress.None, context.Connection.LocalPort);

    async Task RefuseAsync(HttpContext context, int status, string remote, string reason)
    {
        LogRefused(logger, remote, status, reason);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(reason + "\n");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket from {Endpoint} accepted with sub-protocol {SubProtocol}")]
    private static partial void LogAccepted(ILogger logger, string endpoint, string subProtocol);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a WebSocket upgrade from {Endpoint} with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string endpoint, int status, string reason);
}

/// <summary>Routes the WebSocket port to <see cref="DeviceWebSockets"/>, before and apart from the admin API.</summary>
public static class DeviceWebSocketsExtensions
{
    /// <summary>Everything arriving on <c>Simulator__WebSocketPort</c> is the device endpoint; nothing else is served there.</summary>
    public static IApplicationBuilder UseDeviceWebSockets(this IApplicationBuilder app, SimulatorOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.WebSocketPort is not { } port)
        {
            return app;
        }

        return app.MapWhen(context => context.Connection.LocalPort == port, branch =>
        {
            branch.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
            branch.Run(context => context.RequestServices.GetRequiredService<DeviceWebSockets>().DispatchAsync(context));
        });
    }
}
