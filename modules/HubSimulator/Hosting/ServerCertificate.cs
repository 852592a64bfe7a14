using System.Net;
using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;

namespace HubSimulator.Hosting;

/// <summary>
/// The simulator's TLS server certificate: the configured one, or one issued by the simulator's own CA, made once in
/// the data folder (<c>server-ca.pem</c> is what devices put in their trust bundle).
/// </summary>
public static class ServerCertificate
{
    /// <summary>File name of the generated server CA, the trust bundle for devices.</summary>
    public const string CaFileName = "server-ca.pem";

    /// <summary>Loads or makes the server certificate (with its key).</summary>
    public static X509Certificate2 Load(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ServerCertificatePath))
        {
            return Reload(X509Certificate2.CreateFromPemFile(options.ServerCertificatePath, options.ServerKeyPath));
        }

        Directory.CreateDirectory(options.DataFolder);
        var certificatePath = PkiLayout.Certificate(Path.Combine(options.DataFolder, "server"));
        var keyPath = PkiLayout.Key(Path.Combine(options.DataFolder, "server"));
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            var existing = Reload(X509Certificate2.CreateFromPemFile(certificatePath, keyPath));
            if (existing.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(1))
            {
                return existing;
            }

            existing.Dispose();
        }

        using var ca = CertificateFactory.CreateRootCa("HubSimulator Server CA");
        var names = options.HostNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var server = CertificateFactory.CreateServer(ca, names.FirstOrDefault() ?? "localhost", names, [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        File.WriteAllText(Path.Combine(options.DataFolder, CaFileName), CertificateExport.ToPem(ca));
        File.WriteAllText(certificatePath, CertificateExport.ToPem(server));
        CertificateExport.WritePrivateFile(keyPath, System.Text.Encoding.ASCII.GetBytes(CertificateExport.PrivateKeyToPem(server)));
        return server;
    }

    /// <summary>SslStream on Windows cannot use the ephemeral key of a PEM import: a PKCS#12 round trip gives a usable one.</summary>
    static X509Certificate2 Reload(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }
}
