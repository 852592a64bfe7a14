using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;

namespace HubSimulator.Cli;

/// <summary>
/// The certificate tool: root and intermediate CAs, device certificates (PEM, full-chain PEM, PFX), self-signed
/// devices, proof-of-possession certificates, and inspection. Files are named from <c>--out</c>:
/// <c>{out}.pem</c>, <c>{out}.key.pem</c>, <c>{out}-full-chain.pem</c>, <c>{out}.pfx</c>.
/// </summary>
public static class CertCommands
{
    /// <summary>The seed tutorial's PFX password, the default of <c>--password</c>.</summary>
    public const string DefaultPfxPassword = PkiLayout.TutorialPassword;

    /// <summary>Runs <c>cert {verb}</c>.</summary>
    public static int Run(ArgReader args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var verb = args.Positional.Count > 1 ? args.Positional[1] : throw new UsageException("cert needs a verb: root, intermediate, device, selfsigned, verification, inspect.");
        switch (verb)
        {
            case "root":
                {
                    using var root = CertificateFactory.CreateRootCa(args.Require("cn", "the CA's common name"), args.Spec(CertificateSpec.DefaultCa));
                    WriteWithKey(root, Out(args), output);
                    return 0;
                }

            case "intermediate":
                {
                    using var issuer = LoadIssuer(args);
                    using var intermediate = CertificateFactory.CreateIntermediateCa(issuer, args.Require("cn", "the CA's common name"), args.Spec(CertificateSpec.DefaultCa));
                    var prefix = Out(args);
                    WriteWithKey(intermediate, prefix, output);
                    WriteText(PkiLayout.FullChain(prefix), CertificateExport.ToPem([intermediate, .. IssuerChain(issuer, args)]), output);
                    return 0;
                }

            case "device":
                {
                    using var issuer = LoadIssuer(args);
                    using var device = CertificateFactory.CreateDevice(issuer, args.Require("id", "the device id (becomes the CN)"), args.Spec(CertificateSpec.DefaultLeaf));
                    WriteDevice(device, [.. IssuerChain(issuer, args)], Out(args), args.Get("password", DefaultPfxPassword)!, output);
                    return 0;
                }

            case "selfsigned":
                {
                    using var device = CertificateFactory.CreateSelfSignedDevice(args.Require("id", "the device id (becomes the CN)"), args.Spec(CertificateSpec.DefaultLeaf));
                    WriteDevice(device, [], Out(args), args.Get("password", DefaultPfxPassword)!, output);
                    output.WriteLine($"thumbprint SHA-1   {device.GetCertHashString(HashAlgorithmName.SHA1)}");
                    output.WriteLine($"thumbprint SHA-256 {device.GetCertHashString(HashAlgorithmName.SHA256)}");
                    return 0;
                }

            case "verification":
                {
                    using var ca = LoadIssuer(args, "ca");
                    using var proof = CertificateFactory.CreateVerification(ca, args.Require("code", "the verification code the hub gave"));
                    WriteText(PkiLayout.Certificate(Out(args)), CertificateExport.ToPem(proof), output);
                    return 0;
                }

            case "inspect":
                return Inspect(args, output);

            default:
                throw new UsageException($"Unknown cert verb '{verb}'; use root, intermediate, device, selfsigned, verification or inspect.");
        }
    }

    /// <summary>Writes a device's certificate, key, full chain and PFX.</summary>
    public static void WriteDevice(X509Certificate2 device, X509Certificate2[] chain, string prefix, string password, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteWithKey(device, prefix, output);
        WriteText(PkiLayout.FullChain(prefix), CertificateExport.ToPem([device, .. chain]), output);
        CertificateExport.WritePrivateFile(PkiLayout.Pfx(prefix), CertificateExport.ToPfx(device, chain, password));
        output.WriteLine($"wrote {PkiLayout.Pfx(prefix)} (password protected)");
    }

    static int Inspect(ArgReader args, TextWriter output)
    {
        var path = args.Positional.Count > 2 ? args.Positional[2] : args.Require("file", "the PEM certificate to inspect");
        var certificates = Load(path);
        foreach (var certificate in certificates)
        {
            output.WriteLine($"subject     {certificate.Subject}");
            output.WriteLine($"issuer      {certificate.Issuer}");
            output.WriteLine($"valid       {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u} ({CertificateValidity.Check(certificate, DateTimeOffset.UtcNow)})");
            output.WriteLine($"CA          {(certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault()?.CertificateAuthority == true ? "yes" : "no")}");
            output.WriteLine($"key         {certificate.PublicKey.Oid.FriendlyName}");
            output.WriteLine($"SHA-1       {certificate.GetCertHashString(HashAlgorithmName.SHA1)}");
            output.WriteLine($"SHA-256     {certificate.GetCertHashString(HashAlgorithmName.SHA256)}");
            output.WriteLine();
        }

        if (args.Get("ca") is not { } caPath)
        {
            return 0;
        }

        var untrusted = args.Get("untrusted") is { } extra ? Load(extra) : new X509Certificate2Collection();
        var result = ChainVerifier.Verify(certificates[0], [.. certificates.Skip(1), .. untrusted], Load(caPath));
        output.WriteLine(result.IsTrusted
            ? $"chains to {caPath}: yes ({string.Join(" <- ", result.Chain.Select(c => c.GetNameInfo(X509NameType.SimpleName, false)).Reverse())})"
            : $"chains to {caPath}: no ({result.Problem})");
        return result.IsTrusted ? 0 : 1;
    }

    static X509Certificate2Collection Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"'{path}' does not exist.");
        }

        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection.Count > 0 ? collection : throw new UsageException($"'{path}' holds no PEM certificate.");
    }

    static X509Certificate2 LoadIssuer(ArgReader args, string option = "issuer")
    {
        var prefix = args.Require(option, $"the CA's file prefix (reads {{prefix}}.pem and {{prefix}}.key.pem)");
        var (certificate, key) = (PkiLayout.Certificate(prefix), PkiLayout.Key(prefix));
        if (!File.Exists(certificate) || !File.Exists(key))
        {
            throw new UsageException($"--{option} {prefix}: needs {certificate} and {key}.");
        }

        return X509Certificate2.CreateFromPemFile(certificate, key);
    }

    /// <summary>What a device must send besides itself: the issuer when it is not a root, and its own chain file's CAs.</summary>
    static IEnumerable<X509Certificate2> IssuerChain(X509Certificate2 issuer, ArgReader args)
    {
        var prefix = args.Get("issuer");
        var issuerChain = prefix is not null && File.Exists(PkiLayout.FullChain(prefix)) ? Load(PkiLayout.FullChain(prefix)) : [];
        IEnumerable<X509Certificate2> all = issuerChain.Count > 0 ? issuerChain : [issuer];
        return all.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) is false);
    }

    /// <summary>
    /// The prefix to write. An existing private key (<c>.key.pem</c>, <c>.pfx</c>) is never overwritten silently: refused
    /// without <c>--force</c>, deleted with it so that the new file is created owner-only (a mode is set at creation).
    /// </summary>
    static string Out(ArgReader args)
    {
        var prefix = args.Require("out", "the file prefix to write, e.g. certs/device1");
        foreach (var key in new[] { $"{prefix}.key.pem", $"{prefix}.pfx" }.Where(File.Exists))
        {
            if (args.Get("force") is null)
            {
                throw new UsageException($"{key} already exists; pass --force to replace it, or choose another --out.");
            }

            File.Delete(key);
        }

        return prefix;
    }

    static void WriteWithKey(X509Certificate2 certificate, string prefix, TextWriter output)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(prefix)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        WriteText(PkiLayout.Certificate(prefix), CertificateExport.ToPem(certificate), output);
        CertificateExport.WritePrivateFile(PkiLayout.Key(prefix), System.Text.Encoding.ASCII.GetBytes(CertificateExport.PrivateKeyToPem(certificate)));
        output.WriteLine($"wrote {PkiLayout.Key(prefix)} (private key, owner-only)");
    }

    static void WriteText(string path, string text, TextWriter output)
    {
        File.WriteAllText(path, text);
        output.WriteLine($"wrote {path}");
    }
}
