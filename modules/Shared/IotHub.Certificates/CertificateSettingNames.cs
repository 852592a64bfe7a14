namespace IotHub.Certificates;

/// <summary>The configuration names that error messages point the user to.</summary>
/// <param name="Certificate">Setting that holds the certificate file path.</param>
/// <param name="Password">Setting that holds the PFX or key password.</param>
/// <param name="PrivateKey">Setting that holds the PEM private key path.</param>
public sealed record CertificateSettingNames(string Certificate, string Password, string PrivateKey)
{
    /// <summary>The module's device identity settings.</summary>
    public static CertificateSettingNames Device { get; } =
        new("Device__CertificatePath", "Device__CertificatePassword", "Device__PrivateKeyPath");
}
