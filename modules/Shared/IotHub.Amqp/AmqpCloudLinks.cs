using Microsoft.Azure.Amqp.Encoding;

namespace IotHub.Amqp;

/// <summary>
/// The hub-to-device side of IoT Hub's AMQP device protocol (SDK v1 AmqpIotConstants and AmqpIotMessageConverter,
/// the Node SDK's amqp_twin_client and amqp_device_method_client, edgeHub's link handlers): the link paths of twin,
/// direct methods and cloud-to-device messages, and the properties and annotations their messages carry. One
/// definition for the module and the simulator; <c>shared/reference/transports-amqp-websocket.md</c> has the sources.
/// </summary>
/// <remarks>
/// Twin and methods are link pairs (the device's sender and receiver on the same path) tied by the link property
/// <see cref="ChannelCorrelationIdProperty"/> (<c>twin:{guid}</c>, <c>methods:{guid}</c>, the same guid on both links).
/// Both are settled on send (at most once); C2D is received unsettled and settled by the device: Accepted completes,
/// Released abandons, Rejected rejects.
/// </remarks>
public static class AmqpCloudLinks
{
    /// <summary>Which of a device's hub-to-device link paths an address names.</summary>
    public enum Kind
    {
        /// <summary>Not a hub-to-device path.</summary>
        None,

        /// <summary><c>/devices/{id}/twin</c>: twin requests (device's sender) and answers and desired pushes (device's receiver).</summary>
        Twin,

        /// <summary><c>/devices/{id}/methods/devicebound</c>: method calls (device's receiver) and answers (device's sender).</summary>
        Methods,

        /// <summary><c>/devices/{id}/messages/devicebound</c>: cloud-to-device messages (device's receiver only).</summary>
        CloudToDevice,
    }

    /// <summary>Link property pairing a twin or methods sender with its receiver.</summary>
    public static readonly AmqpSymbol ChannelCorrelationIdProperty = "com.microsoft:channel-correlation-id";

    /// <summary>Link property: the Plug and Play model id (the C# SDK sends it on its sending links).</summary>
    public static readonly AmqpSymbol ModelIdProperty = "com.microsoft:model-id";

    /// <summary>Twin message annotation: <see cref="TwinOperations"/>.</summary>
    public static readonly AmqpSymbol OperationAnnotation = "operation";

    /// <summary>Twin message annotation: the resource a PATCH, PUT or DELETE is about.</summary>
    public static readonly AmqpSymbol ResourceAnnotation = "resource";

    /// <summary>Twin answer annotation: the status code, an AMQP int (the C SDK refuses any other type).</summary>
    public static readonly AmqpSymbol StatusAnnotation = "status";

    /// <summary>Twin answer annotation: the twin's new version, an AMQP long (the C SDK refuses any other type).</summary>
    public static readonly AmqpSymbol VersionAnnotation = "version";

    /// <summary>Twin resource of a reported-properties PATCH.</summary>
    public const string ReportedResource = "/properties/reported";

    /// <summary>Twin resource of the desired-patch subscription (PUT subscribes, DELETE unsubscribes).</summary>
    public const string DesiredNotificationsResource = "/notifications/twin/properties/desired";

    /// <summary>Method call application property: the method's name.</summary>
    public const string MethodNameProperty = "IoThub-methodname";

    /// <summary>Method answer application property: the status, an int.</summary>
    public const string MethodStatusProperty = "IoThub-status";

    /// <summary>How many C2D messages a device receiver asks for at once (the C# SDK's default prefetch).</summary>
    public const uint CloudToDeviceCredit = 50;

    /// <summary>The twin operations (the <see cref="OperationAnnotation"/> values).</summary>
    public static class TwinOperations
    {
        /// <summary>Read the whole twin.</summary>
        public const string Get = "GET";

        /// <summary>Merge a patch into the reported properties (resource <see cref="ReportedResource"/>).</summary>
        public const string Patch = "PATCH";

        /// <summary>Subscribe to desired patches (resource <see cref="DesiredNotificationsResource"/>).</summary>
        public const string Put = "PUT";

        /// <summary>Unsubscribe from desired patches.</summary>
        public const string Delete = "DELETE";
    }

    /// <summary>The twin link's path.</summary>
    public static string TwinPath(string deviceId) => $"/devices/{Uri.EscapeDataString(deviceId)}/twin";

    /// <summary>The methods link pair's path.</summary>
    public static string MethodsPath(string deviceId) => $"/devices/{Uri.EscapeDataString(deviceId)}/methods/devicebound";

    /// <summary>The C2D receiver link's path.</summary>
    public static string CloudToDevicePath(string deviceId) => $"/devices/{Uri.EscapeDataString(deviceId)}/messages/devicebound";

    /// <summary>A path as the C# SDK sends it: <c>amqps://{host}:{port}{path}</c>.</summary>
    public static string Address(string host, int port, string path) => new UriBuilder("amqps", host, port, path).Uri.AbsoluteUri;

    /// <summary>
    /// Which hub-to-device path <paramref name="address"/> names, and for which device: absolute URI or bare path,
    /// compared case-insensitively (the C# SDK writes <c>deviceBound</c>, Node, C and the docs <c>devicebound</c>).
    /// </summary>
    public static Kind Parse(string? address, out string deviceId)
    {
        deviceId = "";
        if (string.IsNullOrEmpty(address))
        {
            return Kind.None;
        }

        var path = Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "amqps" or "amqp" or "wss" ? uri.AbsolutePath : address;
        var segments = path.Trim('/').Split('/');
        if (segments.Length < 3 || !segments[0].Equals("devices", StringComparison.OrdinalIgnoreCase) || segments[1].Length == 0)
        {
            return Kind.None;
        }

        var kind = segments[2..] switch
        {
            [var twin] when twin.Equals("twin", StringComparison.OrdinalIgnoreCase) => Kind.Twin,
            [var methods, var bound] when methods.Equals("methods", StringComparison.OrdinalIgnoreCase) && bound.Equals("devicebound", StringComparison.OrdinalIgnoreCase) => Kind.Methods,
            [var messages, var bound] when messages.Equals("messages", StringComparison.OrdinalIgnoreCase) && bound.Equals("devicebound", StringComparison.OrdinalIgnoreCase) => Kind.CloudToDevice,
            _ => Kind.None,
        };
        if (kind != Kind.None)
        {
            deviceId = Uri.UnescapeDataString(segments[1]);
        }

        return kind;
    }
}
