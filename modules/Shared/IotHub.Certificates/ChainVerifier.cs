using System.Security.Cryptography.X509Certificates;

namespace IotHub.Certificates;

/// <summary>The outcome of checking that a certificate chains to trusted CAs.</summary>
/// <param name="IsTrusted">True when the chain validates.</param>
/// <param name="Problem">Why not, in one line; null when trusted.</param>
/// <param name="Chain">The chain that was built, leaf first (also when not trusted, as far as it got).</param>
public sealed record ChainVerification(bool IsTrusted, string? Problem, IReadOnlyList<X509Certificate2> Chain);

/// <summary>Builds and checks certificate chains against an explicit set of trust anchors (never the OS store).</summary>
public static class ChainVerifier
{
    /// <summary>Checks that <paramref name="certificate"/> chains to one of <paramref name="anchors"/>.</summary>
    /// <param name="certificate">The end-entity certificate.</param>
    /// <param name="intermediates">Certificates the peer sent besides its own.</param>
    /// <param name="anchors">Trusted CA certificates.</param>
    /// <param name="at">Verification time; now when null.</param>
    public static ChainVerification Verify(
        X509Certificate2 certificate,
        IEnumerable<X509Certificate2> intermediates,
        X509Certificate2Collection anchors,
        DateTimeOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(intermediates);
        ArgumentNullException.ThrowIfNull(anchors);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        foreach (var intermediate in intermediates)
        {
            if (!intermediate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
            {
                chain.ChainPolicy.ExtraStore.Add(intermediate);
            }
        }

        var trusted = chain.Build(certificate);
        var built = chain.ChainElements.Select(e => X509CertificateLoader.LoadCertificate(e.Certificate.RawData)).ToList();
        if (!trusted && EndsAtIntermediateAnchor(chain, anchors) is { } anchorIndex)
        {
            // IoT Hub accepts a verified intermediate CA as the anchor; .NET's custom root trust on OpenSSL wants a
            // self-signed root, so the chain up to an intermediate anchor is accepted when it is otherwise clean.
            return new ChainVerification(true, null, built.Take(anchorIndex + 1).ToList());
        }

        return new ChainVerification(trusted, trusted ? null : Describe(chain, built), built);
    }

    /// <summary>
    /// The index of the first anchor above the leaf when the only complaints are about what lies above that anchor
    /// (partial chain, untrusted root); null otherwise.
    /// </summary>
    static int? EndsAtIntermediateAnchor(X509Chain chain, X509Certificate2Collection anchors)
    {
        const X509ChainStatusFlags aboveAnchor = X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot;
        for (var i = 1; i < chain.ChainElements.Count; i++)
        {
            var element = chain.ChainElements[i];
            if (!anchors.Cast<X509Certificate2>().Any(a => a.RawDataMemory.Span.SequenceEqual(element.Certificate.RawDataMemory.Span)))
            {
                continue;
            }

            for (var j = 0; j <= i; j++)
            {
                var flags = chain.ChainElements[j].ChainElementStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
                if ((flags & ~aboveAnchor) != X509ChainStatusFlags.NoError)
                {
                    return null;
                }
            }

            return i;
        }

        return null;
    }

    static string Describe(X509Chain chain, List<X509Certificate2> built)
    {
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var last = built.Count > 0 ? built[^1] : null;
        if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            var stale = built.FirstOrDefault(c => DateTime.UtcNow > c.NotAfter.ToUniversalTime() || DateTime.UtcNow < c.NotBefore.ToUniversalTime());
            return $"'{stale?.Subject ?? "a certificate of the chain"}' is outside its validity period ({stale?.NotBefore:u} to {stale?.NotAfter:u})";
        }

        if (flags.HasFlag(X509ChainStatusFlags.PartialChain))
        {
            return $"the chain stops at '{last?.Subject}', whose issuer '{last?.Issuer}' was neither sent nor trusted";
        }

        if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot))
        {
            return $"the chain ends at '{last?.Subject}', which is not a trusted CA";
        }

        if (flags.HasFlag(X509ChainStatusFlags.NotSignatureValid))
        {
            return "a signature in the chain does not verify";
        }

        var statuses = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0));
        return statuses.Length > 0 ? statuses : flags.ToString();
    }
}
