using HubSimulator.Messages;
using HubSimulator.Registry;

namespace HubSimulator.Dashboard;

/// <summary>A received message as the page shows it (body cut to <see cref="MaxBody"/> characters).</summary>
/// <param name="DeviceId">The sending device.</param>
/// <param name="ReceivedAt">When the hub took it.</param>
/// <param name="SystemProperties">Decoded system properties.</param>
/// <param name="ApplicationProperties">Application properties, in wire order.</param>
/// <param name="Body">The body as text.</param>
/// <param name="Temperature">°C, when the body is a reading.</param>
/// <param name="Humidity">%RH, when the reading has it.</param>
/// <param name="TemperatureAlert">The <c>temperatureAlert</c> property; null when absent.</param>
public sealed record DashboardMessage(
    string DeviceId,
    DateTimeOffset ReceivedAt,
    IReadOnlyDictionary<string, string> SystemProperties,
    IReadOnlyList<KeyValuePair<string, string>> ApplicationProperties,
    string Body,
    double? Temperature,
    double? Humidity,
    bool? TemperatureAlert)
{
    /// <summary>Longest body the page receives; the admin API has the whole message.</summary>
    public const int MaxBody = 1024;

    /// <summary>The page's view of a received message.</summary>
    public static DashboardMessage From(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.Body.Length > MaxBody ? message.Body[..MaxBody] + "…" : message.Body;
        return new DashboardMessage(message.DeviceId, message.ReceivedAt, message.SystemProperties, message.ApplicationProperties, body,
            message.Reading?.Temperature, message.Reading?.Humidity, message.TemperatureAlert);
    }
}

/// <summary>One row of the device list.</summary>
/// <param name="DeviceId">The device id.</param>
/// <param name="Authentication">How it authenticates.</param>
/// <param name="Connected">True when it has a connection open.</param>
/// <param name="ModelId">Plug and Play model id it announced (this connection's, else the last one), when it sent one.</param>
/// <param name="MessageCount">Messages received since the simulator started.</param>
/// <param name="LastMessageAt">When the last one arrived.</param>
/// <param name="AlertThreshold">°C drawn as the alert line.</param>
/// <param name="AlertThresholdSource">Where it comes from: <c>reported</c>, <c>desired</c> (twin) or <c>default</c>.</param>
public sealed record DeviceSummary(
    string DeviceId,
    DeviceAuthentication Authentication,
    bool Connected,
    string? ModelId,
    long MessageCount,
    DateTimeOffset? LastMessageAt,
    double AlertThreshold,
    string AlertThresholdSource);

/// <summary>A CA as the page lists it (no PEM).</summary>
/// <param name="Name">The name it was uploaded under.</param>
/// <param name="Subject">Its subject.</param>
/// <param name="Thumbprint">SHA-256 thumbprint.</param>
/// <param name="Status">Unverified or Verified.</param>
/// <param name="VerificationCode">The current verification code, once asked for.</param>
public sealed record CaSummary(string Name, string Subject, string Thumbprint, CaStatus Status, string? VerificationCode);

/// <summary>What the page needs to draw its lists: devices, CAs, the message total.</summary>
/// <param name="Devices">Every registered device.</param>
/// <param name="CertificateAuthorities">Every registered CA.</param>
/// <param name="MessageCount">Messages received in all.</param>
public sealed record DashboardSummary(IReadOnlyList<DeviceSummary> Devices, IReadOnlyList<CaSummary> CertificateAuthorities, long MessageCount);
