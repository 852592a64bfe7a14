using System.CommandLine;
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

    /// <summary>The <c>cert</c> verb and its subcommands; add a subcommand here.</summary>
    public static Command Create()
    {
        var cert = new Command("cert", "The certificate tool: CAs, device certificates (PEM, full-chain PEM, PFX), proof-of-possession certificates, inspection.");
        cert.Subcommands.Add(Root());
        cert.Subcommands.Add(Intermediate());
        cert.Subcommands.Add(Device());
        cert.Subcommands.Add(SelfSigned());
        cert.Subcommands.Add(Verification());
        cert.Subcommands.Add(Inspect());
        return cert;
    }

    static Command Root()
    {
        var (cn, output, spec) = (CommonName(), new OutOptions(), new SpecOptions(CertificateSpec.DefaultCa));
        var command = Verb("root", "Make a self-signed root CA: {out}.pem and {out}.key.pem.", [cn, .. output.All, .. spec.All]);
        command.SetAction(parse =>
        {
            var prefix = output.Prefix(parse);
            using var root = CertificateFactory.CreateRootCa(parse.GetRequiredValue(cn), spec.Read(parse));
            WriteWithKey(root, prefix, Output(parse));
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Intermediate()
    {
        var (issuer, cn, output, spec) = (Issuer("--issuer"), CommonName(), new OutOptions(), new SpecOptions(CertificateSpec.DefaultCa));
        var command = Verb("intermediate", "Make an intermediate CA signed by --issuer: {out}.pem, {out}.key.pem and {out}-full-chain.pem.", [issuer, cn, .. output.All, .. spec.All]);
        command.SetAction(parse =>
        {
            var issuerPrefix = parse.GetRequiredValue(issuer);
            var prefix = output.Prefix(parse);
            using var signer = LoadIssuer(issuerPrefix, "--issuer");
            using var intermediate = CertificateFactory.CreateIntermediateCa(signer, parse.GetRequiredValue(cn), spec.Read(parse));
            WriteWithKey(intermediate, prefix, Output(parse));
            WriteText(PkiLayout.FullChain(prefix), CertificateExport.ToPem([intermediate, .. IssuerChain(signer, issuerPrefix)]), Output(parse));
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Device()
    {
        var (issuer, id, password, output, spec) = (Issuer("--issuer"), DeviceId(), Password(), new OutOptions(), new SpecOptions(CertificateSpec.DefaultLeaf));
        var command = Verb("device", "Make a device certificate signed by --issuer (CN = the device id): PEM, key, full chain and PFX.", [issuer, id, password, .. output.All, .. spec.All]);
        command.SetAction(parse =>
        {
            var issuerPrefix = parse.GetRequiredValue(issuer);
            var prefix = output.Prefix(parse);
            using var signer = LoadIssuer(issuerPrefix, "--issuer");
            using var device = CertificateFactory.CreateDevice(signer, parse.GetRequiredValue(id), spec.Read(parse));
            WriteDevice(device, [.. IssuerChain(signer, issuerPrefix)], prefix, parse.GetRequiredValue(password), Output(parse));
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command SelfSigned()
    {
        var (id, password, output, spec) = (DeviceId(), Password(), new OutOptions(), new SpecOptions(CertificateSpec.DefaultLeaf));
        var command = Verb("selfsigned", "Make a self-signed device certificate and print its SHA-1 and SHA-256 thumbprints (device add --thumbprint).", [id, password, .. output.All, .. spec.All]);
        command.SetAction(parse =>
        {
            var prefix = output.Prefix(parse);
            var writer = Output(parse);
            using var device = CertificateFactory.CreateSelfSignedDevice(parse.GetRequiredValue(id), spec.Read(parse));
            WriteDevice(device, [], prefix, parse.GetRequiredValue(password), writer);
            writer.WriteLine($"thumbprint SHA-1   {device.GetCertHashString(HashAlgorithmName.SHA1)}");
            writer.WriteLine($"thumbprint SHA-256 {device.GetCertHashString(HashAlgorithmName.SHA256)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Verification()
    {
        var ca = Issuer("--ca");
        var code = CliOptions.Required("--code", "The verification code the hub gave (ca code).", "CODE");
        var output = new OutOptions();
        var command = Verb("verification", "Make the proof-of-possession certificate: CN = the code, signed by the CA's key (then ca verify).", [ca, code, .. output.All]);
        command.SetAction(parse =>
        {
            var prefix = output.Prefix(parse);
            using var signer = LoadIssuer(parse.GetRequiredValue(ca), "--ca");
            using var proof = CertificateFactory.CreateVerification(signer, parse.GetRequiredValue(code));
            WriteText(PkiLayout.Certificate(prefix), CertificateExport.ToPem(proof), Output(parse));
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Inspect()
    {
        var file = new Argument<string?>("FILE") { Description = "The PEM certificate (or chain) to inspect.", Arity = ArgumentArity.ZeroOrOne };
        var fileOption = CliOptions.Text("--file", "The same as FILE.", "FILE");
        var ca = CliOptions.Text("--ca", "Also check that the certificate chains to this CA (PEM file); exit 1 when it does not.", "CAFILE");
        var untrusted = CliOptions.Text("--untrusted", "Intermediate certificates to use when chaining (PEM file).", "FILE");
        var command = Verb("inspect", "Print subject, issuer, validity, key and thumbprints; with --ca, whether it chains to that CA.", [fileOption, ca, untrusted]);
        command.Arguments.Add(file);
        command.SetAction(parse => Inspect(
            parse.GetValue(file) ?? parse.GetValue(fileOption) ?? throw new UsageException("cert inspect needs the certificate: cert inspect FILE."),
            parse.GetValue(ca), parse.GetValue(untrusted), Output(parse)));
        return command;
    }

    static Command Verb(string name, string description, IEnumerable<Option> options)
    {
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        return command;
    }

    static Option<string> CommonName() => CliOptions.Required("--cn", "The CA's common name.", "NAME");

    static Option<string> DeviceId() => CliOptions.Required("--id", "The device id (becomes the CN).", "ID");

    static Option<string> Issuer(string name) =>
        CliOptions.Required(name, "The signing CA's file prefix (reads {prefix}.pem and {prefix}.key.pem, and {prefix}-full-chain.pem when present).", "PREFIX");

    static Option<string> Password() => CliOptions.Text("--password", "The PFX password.", "PASSWORD", DefaultPfxPassword);

    static TextWriter Output(ParseResult parse) => parse.InvocationConfiguration.Output;

    /// <summary>Writes a device's certificate, key, full chain and PFX.</summary>
    public static void WriteDevice(X509Certificate2 device, X509Certificate2[] chain, string prefix, string password, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteWithKey(device, prefix, output);
        WriteText(PkiLayout.FullChain(prefix), CertificateExport.ToPem([device, .. chain]), output);
        CertificateExport.WritePrivateFile(PkiLayout.Pfx(prefix), CertificateExport.ToPfx(device, chain, password));
        output.WriteLine($"wrote {PkiLayout.Pfx(prefix)} (password protected)");
    }

    static int Inspect(string path, string? caPath, string? untrustedPath, TextWriter output)
    {
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

        if (caPath is null)
        {
            return ExitCodes.Ok;
        }

        var untrusted = untrustedPath is { } extra ? Load(extra) : new X509Certificate2Collection();
        var result = ChainVerifier.Verify(certificates[0], [.. certificates.Skip(1), .. untrusted], Load(caPath));
        output.WriteLine(result.IsTrusted
            ? $"chains to {caPath}: yes ({string.Join(" <- ", result.Chain.Select(c => c.GetNameInfo(X509NameType.SimpleName, false)).Reverse())})"
            : $"chains to {caPath}: no ({result.Problem})");
        return result.IsTrusted ? ExitCodes.Ok : ExitCodes.Failed;
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

    static X509Certificate2 LoadIssuer(string prefix, string option)
    {
        var (certificate, key) = (PkiLayout.Certificate(prefix), PkiLayout.Key(prefix));
        if (!File.Exists(certificate) || !File.Exists(key))
        {
            throw new UsageException($"{option} {prefix}: needs {certificate} and {key}.");
        }

        return X509Certificate2.CreateFromPemFile(certificate, key);
    }

    /// <summary>What a device must send besides itself: the issuer when it is not a root, and its own chain file's CAs.</summary>
    static IEnumerable<X509Certificate2> IssuerChain(X509Certificate2 issuer, string prefix)
    {
        var issuerChain = File.Exists(PkiLayout.FullChain(prefix)) ? Load(PkiLayout.FullChain(prefix)) : [];
        IEnumerable<X509Certificate2> all = issuerChain.Count > 0 ? issuerChain : [issuer];
        return all.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) is false);
    }

    /// <summary><c>--out</c> and <c>--force</c>.</summary>
    sealed class OutOptions
    {
        readonly Option<string> prefix = CliOptions.Required("--out", "The file prefix to write, e.g. certs/device1.", "PREFIX");
        readonly Option<bool> force = CliOptions.Flag("--force", "Replace an existing private key ({out}.key.pem, {out}.pfx).");

        public Option[] All => [prefix, force];

        /// <summary>
        /// The prefix to write. An existing private key (<c>.key.pem</c>, <c>.pfx</c>) is never overwritten silently: refused
        /// without <c>--force</c>, deleted with it so that the new file is created owner-only (a mode is set at creation).
        /// </summary>
        public string Prefix(ParseResult parse)
        {
            var value = parse.GetRequiredValue(prefix);
            foreach (var key in new[] { $"{value}.key.pem", $"{value}.pfx" }.Where(File.Exists))
            {
                if (!parse.GetValue(force))
                {
                    throw new UsageException($"{key} already exists; pass --force to replace it, or choose another --out.");
                }

                File.Delete(key);
            }

            return value;
        }
    }

    /// <summary><c>--days</c> and <c>--key</c>, with the verb's defaults.</summary>
    sealed class SpecOptions(CertificateSpec fallback)
    {
        readonly Option<int?> days = CliOptions.OptionalPositive("--days", $"Validity in days (default {fallback.Validity.TotalDays:0}).");
        readonly Option<KeyType?> key = new("--key") { Description = $"The key type (default {fallback.KeyType}).", HelpName = string.Join('|', Enum.GetNames<KeyType>()) };

        public Option[] All => [days, key];

        public CertificateSpec Read(ParseResult parse) =>
            new(parse.GetValue(days) is { } d ? TimeSpan.FromDays(d) : fallback.Validity, parse.GetValue(key) ?? fallback.KeyType);
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
