using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using IotHub.Certificates;

namespace HubSimulator.Cli;

/// <summary>
/// <c>cert renew</c>: a new certificate for the same device (same CN), new validity, the same key or a new one, written
/// over the device's files so that a module watching them (<c>Device__CertificatePath</c>) switches to it. Every file is
/// first written next to its target and then renamed over it: a reader sees the old file or the new one, never half.
/// </summary>
internal static class CertificateRenewal
{
    public static int Run(string prefix, string? issuerPrefix, int? days, bool newKey, string password, TextWriter output)
    {
        var (certificatePath, keyPath) = (PkiLayout.Certificate(prefix), PkiLayout.Key(prefix));
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            throw new UsageException($"--device {prefix}: needs {certificatePath} and {keyPath} (the files cert device or cert selfsigned wrote).");
        }

        using var current = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var selfSigned = current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData);
        using var issuer = issuerPrefix is null ? null : CertCommands.LoadIssuer(issuerPrefix, "--issuer");
        if (issuer is null && !selfSigned)
        {
            throw new UsageException($"{certificatePath} was issued by '{current.Issuer}': pass --issuer with that CA's file prefix.");
        }

        if (issuer is not null && !issuer.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData))
        {
            throw new UsageException($"--issuer {issuerPrefix} is '{issuer.Subject}', but {certificatePath} was issued by '{current.Issuer}': pass that CA's prefix.");
        }

        var spec = new CertificateSpec(days is { } d ? TimeSpan.FromDays(d) : CertificateSpec.DefaultLeaf.Validity);
        using var renewed = CertificateFactory.RenewDevice(current, issuer, spec, newKey);
        X509Certificate2[] chain = issuer is null ? [] : [.. CertCommands.IssuerChain(issuer, issuerPrefix!)];
        Replace(renewed, chain, prefix, password, newKey, output);

        var summary = CertificateSummary.Of(renewed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"renewed {summary.Subject}: valid {summary.NotBefore:u} to {summary.NotAfter:u} ({CertCommands.DaysLeft(summary, DateTimeOffset.UtcNow)} days left), {(newKey ? "new key" : "same key")}"));
        output.WriteLine($"thumbprint SHA-1   {summary.Sha1Thumbprint}");
        output.WriteLine($"thumbprint SHA-256 {summary.Thumbprint}");
        if (selfSigned)
        {
            output.WriteLine("self-signed: register the new thumbprint as the device's secondary thumbprint before the module switches to it.");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Writes every new file beside its target, then renames the key first and the certificates after it.</summary>
    static void Replace(X509Certificate2 renewed, X509Certificate2[] chain, string prefix, string password, bool newKey, TextWriter output)
    {
        var staged = new List<(string Temporary, string Target)>();
        try
        {
            if (newKey)
            {
                staged.Add(StagePrivate(PkiLayout.Key(prefix), System.Text.Encoding.ASCII.GetBytes(CertificateExport.PrivateKeyToPem(renewed))));
            }

            staged.Add(Stage(PkiLayout.Certificate(prefix), CertificateExport.ToPem(renewed)));
            staged.Add(Stage(PkiLayout.FullChain(prefix), CertificateExport.ToPem([renewed, .. chain])));
            staged.Add(StagePrivate(PkiLayout.Pfx(prefix), CertificateExport.ToPfx(renewed, chain, password)));
            foreach (var (temporary, target) in staged)
            {
                File.Move(temporary, target, overwrite: true);
                output.WriteLine($"wrote {target}");
            }
        }
        finally
        {
            foreach (var (temporary, _) in staged.Where(s => File.Exists(s.Temporary)))
            {
                File.Delete(temporary);
            }
        }
    }

    static (string, string) Stage(string target, string text)
    {
        var temporary = Temporary(target);
        File.WriteAllText(temporary, text);
        return (temporary, target);
    }

    /// <summary>Created owner-only (0600) from the start; the rename keeps the mode.</summary>
    static (string, string) StagePrivate(string target, byte[] content)
    {
        var temporary = Temporary(target);
        CertificateExport.WritePrivateFile(temporary, content);
        return (temporary, target);
    }

    static string Temporary(string target) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
}
