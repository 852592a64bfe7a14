using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.HubConnection;

/// <summary>
/// The cloud channel of a transport that carries telemetry only: it never reports a connection, so the twin service
/// keeps the last applied desired settings and asks nothing. Says so once at start.
/// </summary>
public sealed partial class OneWayChannel(HubTransportKind transport, ILogger<OneWayChannel> logger) : ICloudChannel
{
    /// <inheritdoc />
    public bool IsConnected => false;

    /// <inheritdoc />
    public void Listen(ICloudListener listener) => LogOneWay(logger, transport);

    /// <inheritdoc />
    public Task<string> GetTwinAsync(CancellationToken cancellationToken) => throw Unavailable();

    /// <inheritdoc />
    public Task PatchReportedAsync(string patchJson, CancellationToken cancellationToken) => throw Unavailable();

    // Never called: without Connected() the twin service asks nothing.
    NotSupportedException Unavailable() =>
        new($"Device__Transport={transport} carries telemetry only: no twin, methods or cloud-to-device messages.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device__Transport={Transport} carries telemetry only for now: the device twin, direct methods and cloud-to-device messages need Device__Transport=Mqtt.")]
    static partial void LogOneWay(ILogger logger, HubTransportKind transport);
}
