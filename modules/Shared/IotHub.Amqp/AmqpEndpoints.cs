using Microsoft.Azure.Amqp.Encoding;

namespace IotHub.Amqp;

/// <summary>
/// IoT Hub's AMQP device endpoint (SDK v1 AmqpIotConstants, IotHubConnectionString): port, link addresses and the
/// link properties the SDKs attach. X.509 devices authenticate in TLS only: no SASL, no CBS.
/// </summary>
public static class AmqpEndpoints
{
    /// <summary>AMQP over TLS (IoT Hub and edgeHub); there is no plain-text port.</summary>
    public const int AmqpTlsPort = 5671;

    /// <summary>The api-version the module sends in its link properties (the docs' current one).</summary>
    public const string ApiVersion = "2021-04-12";

    /// <summary>Link property: the client's product string (<c>com.microsoft:client-version</c>).</summary>
    public static readonly AmqpSymbol ClientVersionProperty = "com.microsoft:client-version";

    /// <summary>Link property: the protocol version (<c>com.microsoft:api-version</c>).</summary>
    public static readonly AmqpSymbol ApiVersionProperty = "com.microsoft:api-version";

    /// <summary>
    /// Telemetry sender link path <c>/devices/{deviceId}/messages/events</c>. The C# SDK sends it as an absolute
    /// <c>amqps://{host}:5671/...</c> URI, the C SDK without port, the Node SDK as the bare path: a hub matches the path.
    /// </summary>
    public static string TelemetryPath(string deviceId) => $"/devices/{Uri.EscapeDataString(deviceId)}/messages/events";

    /// <summary>The telemetry link's target address as the C# SDK sends it.</summary>
    public static string TelemetryAddress(string host, int port, string deviceId) =>
        new UriBuilder("amqps", host, port, TelemetryPath(deviceId)).Uri.AbsoluteUri;

    /// <summary>
    /// The device id of a telemetry link address: absolute URI or bare path, <c>/devices/{id}/messages/events</c>
    /// (paths compared case-insensitively, as SDKs differ in casing); false for any other address.
    /// </summary>
    public static bool TryParseTelemetryAddress(string? address, out string deviceId)
    {
        deviceId = "";
        if (string.IsNullOrEmpty(address))
        {
            return false;
        }

        var path = Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "amqps" or "amqp" or "wss" ? uri.AbsolutePath : address;
        var segments = path.Trim('/').Split('/');
        if (segments is not [var devices, var id, var messages, var events]
            || !devices.Equals("devices", StringComparison.OrdinalIgnoreCase)
            || !messages.Equals("messages", StringComparison.OrdinalIgnoreCase)
            || !events.Equals("events", StringComparison.OrdinalIgnoreCase)
            || id.Length == 0)
        {
            return false;
        }

        deviceId = Uri.UnescapeDataString(id);
        return true;
    }
}
