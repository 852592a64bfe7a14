namespace EdgeSensorModule.HubConnection;

/// <summary>
/// The hub-to-device half of a connection, beside <see cref="IHubClient"/>'s telemetry: twin requests (answered by
/// <c>$rid</c>), and the desired patches and direct-method calls the hub pushes. It never delays telemetry: its
/// subscriptions are made in the background after each connect, and a request the hub does not answer (a plain MQTT
/// broker never does) ends after <c>Device__OperationTimeout</c> with a <see cref="HubException"/>.
/// </summary>
public interface ICloudChannel
{
    /// <summary>True while the connection is up.</summary>
    bool IsConnected { get; }

    /// <summary>Sets who receives what the hub pushes; set once, before the first connect.</summary>
    void Listen(ICloudListener listener);

    /// <summary>Reads the whole twin: <c>{"desired":{...,"$version":n},"reported":{...}}</c>.</summary>
    /// <exception cref="HubException">Not connected or closed meanwhile (<see cref="HubErrorCode.ConnectionLost"/>), no answer in time, or the hub answered with an error status.</exception>
    Task<string> GetTwinAsync(CancellationToken cancellationToken);

    /// <summary>Merges <paramref name="patchJson"/> into the reported properties; completes when the hub confirmed it.</summary>
    /// <exception cref="HubException">Not connected, no answer in time, or the hub refused the patch.</exception>
    Task PatchReportedAsync(string patchJson, CancellationToken cancellationToken);
}

/// <summary>Receives what the hub pushes. Called on the connection's receive path: return quickly.</summary>
public interface ICloudListener
{
    /// <summary>The connection is up and its subscriptions are in place: time to read the twin (patches made while offline are not replayed).</summary>
    void Connected();

    /// <summary>A desired-properties patch, with its <c>$version</c> inside.</summary>
    void DesiredPatch(string patchJson);

    /// <summary>A direct-method call; the answer is sent back with the request's id.</summary>
    Task<MethodAnswer> InvokeAsync(string methodName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>A direct method's answer: an HTTP-like status and a JSON payload.</summary>
/// <param name="Status">200 done; 400 malformed payload; 501 unknown method; 503 cannot do it now.</param>
/// <param name="Json">The JSON payload.</param>
public sealed record MethodAnswer(int Status, string Json);
