using System.Text.Json.Nodes;
using HubSimulator.Registry;

namespace HubSimulator.Admin;

/// <summary>Upload a CA certificate (the portal's "Add certificate").</summary>
/// <param name="Name">Name to register it under.</param>
/// <param name="CertificatePem">The CA certificate, PEM.</param>
public sealed record AddCaRequest(string Name, string CertificatePem);

/// <summary>Upload the proof-of-possession certificate.</summary>
/// <param name="CertificatePem">CN = the verification code, signed by the CA's key, PEM.</param>
public sealed record VerifyCaRequest(string CertificatePem);

/// <summary>The verification code to put in the proof-of-possession certificate's CN.</summary>
/// <param name="Name">The CA.</param>
/// <param name="VerificationCode">The code.</param>
public sealed record VerificationCodeResponse(string Name, string VerificationCode);

/// <summary>Register a device.</summary>
/// <param name="DeviceId">The device id.</param>
/// <param name="Authentication"><c>CaSigned</c> or <c>SelfSigned</c>.</param>
/// <param name="PrimaryThumbprint">Self-signed: SHA-1 or SHA-256 thumbprint.</param>
/// <param name="SecondaryThumbprint">Self-signed: a second thumbprint (certificate rollover).</param>
public sealed record AddDeviceRequest(string DeviceId, DeviceAuthentication Authentication, string? PrimaryThumbprint = null, string? SecondaryThumbprint = null);

/// <summary>Invoke a direct method.</summary>
/// <param name="Payload">JSON payload; null sends <c>null</c>.</param>
/// <param name="TimeoutSeconds">How long to wait for the device's answer; 30 when null.</param>
public sealed record InvokeMethodRequest(JsonNode? Payload, int? TimeoutSeconds);

/// <summary>The device's answer to a direct method.</summary>
/// <param name="Status">Status the device replied with (an offline or silent device is an HTTP 404 or 504 error instead).</param>
/// <param name="Payload">The device's JSON payload.</param>
public sealed record InvokeMethodResponse(int Status, JsonNode? Payload);

/// <summary>Send a cloud-to-device message.</summary>
/// <param name="Body">The body, as text.</param>
/// <param name="Properties">Application properties.</param>
/// <param name="TimeToLiveSeconds">How long it waits for the device before it is dropped; IoT Hub's default (3600) when null, at most 172800.</param>
public sealed record CloudToDeviceRequest(string Body, Dictionary<string, string>? Properties, int? TimeToLiveSeconds = null);

/// <summary>How many messages the hub has stored.</summary>
/// <param name="Count">Messages stored since the hub started, every device's.</param>
public sealed record MessageCountResponse(long Count);

/// <summary>An error answer: one line saying what to fix.</summary>
/// <param name="Error">The line.</param>
public sealed record ErrorResponse(string Error);
