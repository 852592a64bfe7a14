using IotHub.Certificates;

namespace EdgeSensorModule.Identity;

/// <summary>
/// The device identity in use, one generation of it: a rotation replaces the whole object, so a reader always sees a
/// certificate with its own key and chain. <see cref="Superseded"/> fires when a newer generation replaces it.
/// </summary>
#pragma warning disable CA1001 // The source has no timer or registrations to release; readers may hold its token after a rotation.
public sealed class CurrentIdentity
#pragma warning restore CA1001
{
    readonly CancellationTokenSource superseded = new();

    internal CurrentIdentity(ClientIdentity identity, long generation)
    {
        Identity = identity;
        Generation = generation;
        Certificate = CertificateSummary.Of(identity.Certificate);
    }

    /// <summary>The certificate with its key and the chain to send: what a transport presents at connect time.</summary>
    public ClientIdentity Identity { get; }

    /// <summary>Subject, thumbprints and validity of <see cref="Identity"/>: readable even after a rotation retired it.</summary>
    public CertificateSummary Certificate { get; }

    /// <summary>1 for the identity loaded at startup, one more for each rotation.</summary>
    public long Generation { get; }

    /// <summary>Cancelled when a newer identity replaces this one.</summary>
    public CancellationToken Superseded => superseded.Token;

    /// <summary>True once a newer identity replaced this one.</summary>
    public bool IsSuperseded => superseded.IsCancellationRequested;

    internal void Supersede() => superseded.Cancel();
}
