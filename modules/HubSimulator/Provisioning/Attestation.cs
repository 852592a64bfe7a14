using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HubSimulator.Registry;
using IotHub.Certificates;
using IotHub.Protocol.Provisioning;

namespace HubSimulator.Provisioning;

/// <summary>What DPS decided about a registration: the device to create in the hub, or a refusal.</summary>
/// <param name="DeviceId">The device id in the hub when accepted.</param>
/// <param name="Thumbprint">Individual enrollments: the thumbprint the hub registers the device with (self-signed style).</param>
/// <param name="How">Which enrollment matched, for the log.</param>
/// <param name="Status">The answer's status when refused (401, 404).</param>
/// <param name="ErrorCode">The error body's code when refused (<see cref="DpsErrorCodes"/>).</param>
public sealed record AttestationResult(string? DeviceId, string? Thumbprint, string How, int Status = 0, int ErrorCode = 0)
{
    /// <summary>True when the device is provisioned.</summary>
    public bool Accepted => DeviceId is not null;

    /// <summary>A refusal with its status, code and reason.</summary>
    public static AttestationResult Refuse(int status, int errorCode, string reason) => new(null, null, reason, status, errorCode);
}

/// <summary>
/// DPS's X.509 rules: the registration id is the certificate's CN; an individual enrollment for it wins (its
/// thumbprint must match); else the enrollment group whose CA is nearest in the chain the device sent (first
/// intermediate, then up to the root). The first match decides: enabled provisions, disabled refuses. The CA must be
/// verified (proof of possession).
/// </summary>
public sealed class Attestation(EnrollmentStore enrollments, DeviceRegistry registry, TimeProvider clock)
{
    /// <summary>Judges a registration.</summary>
    public AttestationResult Judge(string registrationId, X509Certificate2 certificate, IReadOnlyList<X509Certificate2> sentChain)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = clock.GetUtcNow();
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (commonName != registrationId)
        {
            return AttestationResult.Refuse(401, DpsErrorCodes.Unauthorized, $"registration id '{registrationId}' is not the certificate's CN '{commonName}'");
        }

        var validity = CertificateValidity.Check(certificate, now);
        if (validity != ValidityState.Valid)
        {
            return AttestationResult.Refuse(401, DpsErrorCodes.Unauthorized, CertificateValidity.Describe(certificate, validity, now, "device certificate"));
        }

        var all = enrollments.Snapshot();
        if (all.Individuals.FirstOrDefault(i => i.RegistrationId == registrationId) is { } individual)
        {
            return JudgeIndividual(individual, certificate);
        }

        return JudgeGroups(all.Groups, certificate, sentChain, now);
    }

    static AttestationResult JudgeIndividual(IndividualEnrollment individual, X509Certificate2 certificate)
    {
        var sha1 = certificate.GetCertHashString(HashAlgorithmName.SHA1);
        var sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        if (individual.Thumbprint != sha1 && individual.Thumbprint != sha256)
        {
            return AttestationResult.Refuse(401, DpsErrorCodes.Unauthorized,
                $"certificate thumbprint {sha1} is not the one of the individual enrollment '{individual.RegistrationId}'");
        }

        return individual.Enabled
            ? new AttestationResult(individual.DeviceId ?? individual.RegistrationId, sha1, $"individual enrollment '{individual.RegistrationId}'")
            : AttestationResult.Refuse(401, DpsErrorCodes.EnrollmentDisabled, $"the individual enrollment '{individual.RegistrationId}' is disabled");
    }

    AttestationResult JudgeGroups(IReadOnlyList<EnrollmentGroup> groups, X509Certificate2 certificate, IReadOnlyList<X509Certificate2> sentChain, DateTimeOffset now)
    {
        var cas = registry.CertificateAuthorities().ToDictionary(c => c.Name);
        (EnrollmentGroup Group, CaRecord Ca, int Depth)? nearest = null;
        foreach (var group in groups)
        {
            if (!cas.TryGetValue(group.CaName, out var ca))
            {
                continue;
            }

            using var anchor = X509Certificate2.CreateFromPem(ca.CertificatePem);
            var chain = ChainVerifier.Verify(certificate, sentChain, new X509Certificate2Collection(anchor), now);
            if (chain.IsTrusted && (nearest is null || chain.Chain.Count < nearest.Value.Depth))
            {
                nearest = (group, ca, chain.Chain.Count);
            }
        }

        if (nearest is not { } match)
        {
            return AttestationResult.Refuse(404, DpsErrorCodes.EnrollmentNotFound,
                "no enrollment matches: no individual enrollment for this registration id and no enrollment group whose CA the certificate chain (as sent) reaches");
        }

        if (!match.Group.Enabled)
        {
            return AttestationResult.Refuse(401, DpsErrorCodes.EnrollmentDisabled, $"the enrollment group '{match.Group.GroupId}' is disabled");
        }

        if (match.Ca.Status != CaStatus.Verified)
        {
            return AttestationResult.Refuse(401, DpsErrorCodes.Unauthorized,
                $"CA '{match.Ca.Name}' of enrollment group '{match.Group.GroupId}' is not verified (proof of possession missing)");
        }

        return new AttestationResult(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), null, $"enrollment group '{match.Group.GroupId}'");
    }
}
