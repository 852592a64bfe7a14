namespace IotHub.Certificates;

/// <summary>
/// How the certificate tool, the demo and the tests name a certificate's files from one prefix (e.g. <c>certs/dev1</c>):
/// <c>{prefix}.pem</c>, <c>{prefix}.key.pem</c>, <c>{prefix}-full-chain.pem</c>, <c>{prefix}.pfx</c>.
/// </summary>
public static class PkiLayout
{
    /// <summary>The PFX password of the tutorial this project grew from, the tools' default.</summary>
    public const string TutorialPassword = "1234";

    /// <summary>The certificate alone, PEM.</summary>
    public static string Certificate(string prefix) => $"{prefix}.pem";

    /// <summary>Its private key, PKCS#8 PEM (owner-only).</summary>
    public static string Key(string prefix) => $"{prefix}.key.pem";

    /// <summary>The certificate followed by the CAs it must present (not the root), PEM.</summary>
    public static string FullChain(string prefix) => $"{prefix}-full-chain.pem";

    /// <summary>Certificate, key and chain, PKCS#12, password protected.</summary>
    public static string Pfx(string prefix) => $"{prefix}.pfx";
}
