using System.Security.Cryptography.X509Certificates;
using HubSimulator.Registry;
using IotHub.Certificates;

namespace HubSimulator.Demo;

/// <summary>The seed's portal steps for a CA: upload (Unverified) → verification code → verification certificate → Verified.</summary>
public static class ProofOfPossession
{
    /// <summary>Registers <paramref name="ca"/> under <paramref name="name"/> (unless it is already there) and verifies it.</summary>
    public static (string Code, CaRecord Record) RegisterAndVerify(DeviceRegistry registry, string name, X509Certificate2 ca, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(progress);
        if (!registry.HasCa(name))
        {
            var added = registry.AddCa(name, CertificateExport.ToPem(ca));
            progress($"CA '{name}' uploaded ({added.Subject}): {added.Status}");
        }

        var code = registry.NewVerificationCode(name);
        progress($"verification code {code}");
        using var proof = CertificateFactory.CreateVerification(ca, code);
        var verified = registry.VerifyCa(name, CertificateExport.ToPem(proof));
        progress($"verification certificate CN={code} signed by the CA's key uploaded: {verified.Status}");
        return (code, verified);
    }
}
