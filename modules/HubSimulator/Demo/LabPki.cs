using System.Net;
using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;

namespace HubSimulator.Demo;

/// <summary>
/// The seed tutorial's certificates in one folder, made once and reused: root CA → intermediate CA → device
/// (PEM, full-chain PEM, PFX with password 1234), plus a server CA and server certificate for the simulator.
/// </summary>
public sealed class LabPki : IDisposable
{
    /// <summary>The PFX password (the seed tutorial's).</summary>
    public const string PfxPassword = PkiLayout.TutorialPassword;

    LabPki(string folder, string deviceId, bool reused)
    {
        Folder = folder;
        DeviceId = deviceId;
        Reused = reused;
        RootCa = Load("root-ca");
        IntermediateCa = Load("intermediate-ca");
        Device = Load(deviceId);
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The device id (the device certificate's CN).</summary>
    public string DeviceId { get; }

    /// <summary>True when the files were already there.</summary>
    public bool Reused { get; }

    /// <summary>Root CA with key: the CA registered and verified in the hub.</summary>
    public X509Certificate2 RootCa { get; }

    /// <summary>Intermediate CA with key: signs the device.</summary>
    public X509Certificate2 IntermediateCa { get; }

    /// <summary>The device certificate with key.</summary>
    public X509Certificate2 Device { get; }

    /// <summary>The device's PFX (leaf, key, intermediate).</summary>
    public string DevicePfx => PkiLayout.Pfx(Path.Combine(Folder, DeviceId));

    /// <summary>The simulator's server certificate, PEM.</summary>
    public string ServerCertificatePem => PkiLayout.Certificate(Path.Combine(Folder, "server"));

    /// <summary>The simulator's server key, PEM.</summary>
    public string ServerKeyPem => PkiLayout.Key(Path.Combine(Folder, "server"));

    /// <summary>The CA that issued the server certificate: the device's trust bundle.</summary>
    public string ServerCaPem => PkiLayout.Certificate(Path.Combine(Folder, "server-ca"));

    /// <summary>Loads the PKI from <paramref name="folder"/>, or makes it when missing or about to expire.</summary>
    public static LabPki LoadOrCreate(string folder, string deviceId, IReadOnlyList<string> hostNames)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        Directory.CreateDirectory(folder);
        string[] prefixes = ["root-ca", "intermediate-ca", deviceId, "server-ca", "server"];
        var complete = prefixes.All(p => File.Exists(PkiLayout.Certificate(Path.Combine(folder, p))) && File.Exists(PkiLayout.Key(Path.Combine(folder, p))))
            && File.Exists(PkiLayout.Pfx(Path.Combine(folder, deviceId)));
        if (complete && StillValid(PkiLayout.Certificate(Path.Combine(folder, deviceId))) && StillValid(PkiLayout.Certificate(Path.Combine(folder, "server"))))
        {
            return new LabPki(folder, deviceId, reused: true);
        }

        Create(folder, deviceId, hostNames);
        return new LabPki(folder, deviceId, reused: false);
    }

    static bool StillValid(string pem)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(pem));
        return certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(1);
    }

    static void Create(string folder, string deviceId, IReadOnlyList<string> hostNames)
    {
        using var root = CertificateFactory.CreateRootCa("EdgeSensor Demo Root CA");
        using var intermediate = CertificateFactory.CreateIntermediateCa(root, "EdgeSensor Demo Intermediate CA");
        using var device = CertificateFactory.CreateDevice(intermediate, deviceId);
        using var serverCa = CertificateFactory.CreateRootCa("HubSimulator Server CA");
        using var server = CertificateFactory.CreateServer(serverCa, hostNames[0], hostNames, [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        Write(folder, "root-ca", root);
        Write(folder, "intermediate-ca", intermediate);
        Write(folder, "server-ca", serverCa);
        Write(folder, "server", server);
        Write(folder, deviceId, device);
        File.WriteAllText(PkiLayout.FullChain(Path.Combine(folder, deviceId)), CertificateExport.ToPem(device, intermediate));
        CertificateExport.WritePrivateFile(PkiLayout.Pfx(Path.Combine(folder, deviceId)), CertificateExport.ToPfx(device, [intermediate], PfxPassword));
    }

    static void Write(string folder, string prefix, X509Certificate2 certificate)
    {
        File.WriteAllText(PkiLayout.Certificate(Path.Combine(folder, prefix)), CertificateExport.ToPem(certificate));
        CertificateExport.WritePrivateFile(PkiLayout.Key(Path.Combine(folder, prefix)), System.Text.Encoding.ASCII.GetBytes(CertificateExport.PrivateKeyToPem(certificate)));
    }

    X509Certificate2 Load(string prefix) =>
        X509Certificate2.CreateFromPemFile(PkiLayout.Certificate(Path.Combine(Folder, prefix)), PkiLayout.Key(Path.Combine(Folder, prefix)));

    /// <inheritdoc />
    public void Dispose()
    {
        RootCa.Dispose();
        IntermediateCa.Dispose();
        Device.Dispose();
    }
}
