using System.Net;
using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;

namespace TestInfrastructure;

/// <summary>
/// A throwaway X.509 setup made at test time in a temporary folder: device root CA → intermediate CA → device
/// certificates, and a separate server CA for the broker. Keys never leave the folder, which is deleted on dispose.
/// </summary>
public sealed class TestPki : IDisposable
{
    /// <summary>The PFX password the seed tutorial uses.</summary>
    public const string PfxPassword = PkiLayout.TutorialPassword;

    readonly List<X509Certificate2> owned = [];

    /// <summary>Makes the CAs and the server certificate for localhost / 127.0.0.1.</summary>
    public TestPki(KeyType keyType = KeyType.EcdsaP256)
    {
        KeyType = keyType;
        Folder = Directory.CreateTempSubdirectory("esm-pki-").FullName;
        MakeWorldReadable(Folder);
        RootCa = Own(CertificateFactory.CreateRootCa("EdgeSensor Test Root CA", new CertificateSpec(TimeSpan.FromDays(30), keyType)));
        IntermediateCa = Own(CertificateFactory.CreateIntermediateCa(RootCa, "EdgeSensor Test Intermediate CA", new CertificateSpec(TimeSpan.FromDays(30), keyType)));
        ServerCa = Own(CertificateFactory.CreateRootCa("EdgeSensor Test Server CA", new CertificateSpec(TimeSpan.FromDays(30), keyType)));
        Server = Own(CertificateFactory.CreateServer(ServerCa, "localhost", ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback],
            new CertificateSpec(TimeSpan.FromDays(30), keyType)));
        RootCaPem = Write(PkiLayout.Certificate("root-ca"), CertificateExport.ToPem(RootCa));
        ServerCaPem = Write(PkiLayout.Certificate("server-ca"), CertificateExport.ToPem(ServerCa));
        ServerCertificatePem = Write(PkiLayout.Certificate("server"), CertificateExport.ToPem(Server));
        ServerKeyPem = Write(PkiLayout.Key("server"), CertificateExport.PrivateKeyToPem(Server));
    }

    /// <summary>The folder that holds every file.</summary>
    public string Folder { get; }

    /// <summary>Key type of every certificate made here.</summary>
    public KeyType KeyType { get; }

    /// <summary>The CA registered (and verified) in the hub.</summary>
    public X509Certificate2 RootCa { get; }

    /// <summary>Signs device certificates.</summary>
    public X509Certificate2 IntermediateCa { get; }

    /// <summary>Signs the server certificate: devices trust it through <c>Device__TrustBundlePath</c>.</summary>
    public X509Certificate2 ServerCa { get; }

    /// <summary>The server certificate, for localhost and 127.0.0.1.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>PEM of <see cref="RootCa"/>.</summary>
    public string RootCaPem { get; }

    /// <summary>PEM of <see cref="ServerCa"/>: the trust bundle devices use.</summary>
    public string ServerCaPem { get; }

    /// <summary>PEM of the server certificate.</summary>
    public string ServerCertificatePem { get; }

    /// <summary>PEM of the server key.</summary>
    public string ServerKeyPem { get; }

    /// <summary>Issues a device certificate (CN = <paramref name="deviceId"/>) from the intermediate CA and writes its files.</summary>
    public DeviceFiles IssueDevice(string deviceId, CertificateSpec? spec = null, X509Certificate2? issuer = null)
    {
        issuer ??= IntermediateCa;
        var device = Own(CertificateFactory.CreateDevice(issuer, deviceId, spec ?? new CertificateSpec(TimeSpan.FromDays(30), KeyType)));
        X509Certificate2[] chain = ReferenceEquals(issuer, IntermediateCa) ? [IntermediateCa] : [];
        return WriteDevice(deviceId, device, chain);
    }

    /// <summary>Writes the files of an already made device certificate.</summary>
    public DeviceFiles WriteDevice(string name, X509Certificate2 device, X509Certificate2[] chain)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new DeviceFiles(
            device,
            Write(PkiLayout.Certificate(name), CertificateExport.ToPem(device)),
            Write(PkiLayout.FullChain(name), CertificateExport.ToPem([device, .. chain])),
            WritePrivate(PkiLayout.Key(name), System.Text.Encoding.ASCII.GetBytes(CertificateExport.PrivateKeyToPem(device))),
            WritePrivate(PkiLayout.Pfx(name), CertificateExport.ToPfx(device, chain, PfxPassword)));
    }

    /// <summary>Keeps a certificate for disposal with the PKI.</summary>
    public X509Certificate2 Own(X509Certificate2 certificate)
    {
        owned.Add(certificate);
        return certificate;
    }

    /// <summary>Writes a text file into the PKI folder (readable by the mosquitto user).</summary>
    public string Write(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    string WritePrivate(string name, byte[] content)
    {
        var path = Path.Combine(Folder, name);
        CertificateExport.WritePrivateFile(path, content);
        return path;
    }

    /// <summary>mosquitto drops root for the user "mosquitto": its files and every folder above them must be readable.</summary>
    public static void MakeWorldReadable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.GroupRead | UnixFileMode.OtherRead
                | (Directory.Exists(path) ? UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : 0));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var certificate in owned)
        {
            certificate.Dispose();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file: the OS cleans the temp folder.
        }
    }
}

/// <summary>A device's certificate in every form a user may configure.</summary>
/// <param name="Certificate">The certificate with its key.</param>
/// <param name="CertificatePem">Leaf only, PEM.</param>
/// <param name="FullChainPem">Leaf followed by the intermediate, PEM.</param>
/// <param name="KeyPem">Private key, PKCS#8 PEM.</param>
/// <param name="Pfx">PFX with leaf, key and intermediate; password <see cref="TestPki.PfxPassword"/>.</param>
public sealed record DeviceFiles(X509Certificate2 Certificate, string CertificatePem, string FullChainPem, string KeyPem, string Pfx);
