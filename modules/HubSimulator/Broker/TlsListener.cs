using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HubSimulator.Hosting;
using Microsoft.Extensions.Options;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace HubSimulator.Broker;

/// <summary>
/// The MQTT endpoint's TCP and TLS (<see cref="DeviceTls"/>), in place of MQTTnet's listener: it binds exactly the
/// configured address (MQTTnet's also binds every IPv6 address). Then MQTTnet's server speaks MQTT on the stream.
/// </summary>
public sealed class TlsListener(IOptions<SimulatorOptions> simulatorOptions, DeviceTls deviceTls) : IMqttServerAdapter
{
    Socket? socket;
    CancellationTokenSource? stop;
    MqttServerOptions? serverOptions;
    IMqttNetLogger? mqttLogger;

    /// <summary>
    /// Which port it binds and the setting that names it: the hub's MQTT port unless changed (the DPS endpoint is a
    /// second listener on <see cref="SimulatorOptions.ProvisioningPort"/>).
    /// </summary>
    public Func<SimulatorOptions, (int Port, string Setting)> Endpoint { get; init; } = settings => (settings.MqttPort, "Simulator__MqttPort");

    /// <summary>The server certificate's subject, once started.</summary>
    public string? Subject { get; private set; }

    /// <inheritdoc />
    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <inheritdoc />
    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        Subject = deviceTls.Subject;
        serverOptions = options;
        mqttLogger = logger;
        var (port, setting) = Endpoint(simulatorOptions.Value);
        socket = deviceTls.Listen(port, setting);
        stop = new CancellationTokenSource();
        _ = AcceptAsync(socket, stop.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync()
    {
        var stopping = Interlocked.Exchange(ref stop, null);
        stopping?.Cancel();
        stopping?.Dispose();
        socket?.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => StopAsync(); // both MQTTnet's server and the container dispose it

    async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client, cancellationToken);
        }
    }

    async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        var (local, remote) = (client.LocalEndPoint, client.RemoteEndPoint);
        if (await deviceTls.AcceptAsync(client, cancellationToken) is not { } tls)
        {
            return;
        }

        await using (tls)
        {
            var certificate = tls.RemoteCertificate is { } presented ? X509CertificateLoader.LoadCertificate(presented.GetRawCertData()) : null;
            var channel = new MqttTcpChannel(tls, local, remote, certificate);
            using var adapter = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(new MqttBufferWriter(serverOptions!.WriterBufferSize, serverOptions.WriterBufferSizeMax)), mqttLogger);
            if (ClientHandler is { } handler)
            {
                await handler(adapter);
            }
        }
    }
}
