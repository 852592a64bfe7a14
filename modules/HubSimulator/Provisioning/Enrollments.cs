using System.Text.Json.Serialization;

namespace HubSimulator.Provisioning;

/// <summary>
/// A DPS enrollment group with X.509 attestation: devices whose chain reaches the CA (root or intermediate, registered
/// and verified in the simulator) are provisioned, each under its certificate's CN.
/// </summary>
public sealed class EnrollmentGroup
{
    /// <summary>The group's name.</summary>
    public required string GroupId { get; init; }

    /// <summary>The registered CA (root or intermediate) the devices chain to; it must be verified (proof of possession).</summary>
    public required string CaName { get; init; }

    /// <summary>A disabled group refuses its devices (how a CA is revoked in DPS).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>A DPS individual enrollment with X.509 attestation: one device certificate, by thumbprint.</summary>
public sealed class IndividualEnrollment
{
    /// <summary>The registration id (= the certificate's CN).</summary>
    public required string RegistrationId { get; init; }

    /// <summary>SHA-1 or SHA-256 thumbprint of the device certificate, upper-case hex.</summary>
    public required string Thumbprint { get; init; }

    /// <summary>The device id in the hub; the registration id when null.</summary>
    public string? DeviceId { get; init; }

    /// <summary>A disabled enrollment refuses the device (it wins over any group).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>The enrollments file's content.</summary>
public sealed class EnrollmentState
{
    /// <summary>Enrollment groups.</summary>
    public List<EnrollmentGroup> Groups { get; init; } = [];

    /// <summary>Individual enrollments.</summary>
    public List<IndividualEnrollment> Individuals { get; init; } = [];
}

/// <summary>Create an enrollment group (admin API <c>POST /enrollments/groups</c>).</summary>
/// <param name="GroupId">The group's name.</param>
/// <param name="CaName">A registered, verified CA.</param>
/// <param name="Enabled">False creates it disabled.</param>
public sealed record AddGroupRequest(string GroupId, string CaName, bool Enabled = true);

/// <summary>Create an individual enrollment (admin API <c>POST /enrollments/individuals</c>).</summary>
/// <param name="RegistrationId">The certificate's CN.</param>
/// <param name="Thumbprint">SHA-1 or SHA-256 of the device certificate.</param>
/// <param name="DeviceId">The device id in the hub; the registration id when null.</param>
/// <param name="Enabled">False creates it disabled.</param>
public sealed record AddIndividualRequest(string RegistrationId, string Thumbprint, string? DeviceId = null, bool Enabled = true);

/// <summary>Enable or disable an enrollment (admin API <c>PATCH</c>).</summary>
/// <param name="Enabled">The new state.</param>
public sealed record EnrollmentSwitch([property: JsonRequired] bool Enabled);
