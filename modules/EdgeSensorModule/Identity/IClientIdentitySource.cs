namespace EdgeSensorModule.Identity;

/// <summary>
/// Where every transport gets the device identity, read at each connect: a certificate rotation
/// (<see cref="CertificateRotationService"/>) takes effect at the next connection without the transport knowing.
/// The twin and the metrics read <see cref="CurrentIdentity.Certificate"/> here too.
/// </summary>
public interface IClientIdentitySource
{
    /// <summary>The identity to connect with now.</summary>
    CurrentIdentity Current { get; }
}
