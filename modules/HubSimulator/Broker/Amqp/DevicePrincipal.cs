using System.Security.Cryptography.X509Certificates;
using System.Security.Principal;

namespace HubSimulator.Broker.Amqp;

/// <summary>
/// What an AMQP connection's TLS handshake proved: the device certificate and the certificates sent with it. Not
/// authenticated yet: an X.509 device names itself only when it attaches a link (<c>/devices/{id}/...</c>), and is
/// judged then.
/// </summary>
public sealed class DevicePrincipal(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> sentChain, string remoteEndPoint) : IPrincipal, IIdentity
{
    /// <summary>Where the connection came from.</summary>
    public string RemoteEndPoint { get; } = remoteEndPoint;

    /// <summary>The client certificate.</summary>
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>The other certificates the client sent (its intermediates).</summary>
    public IReadOnlyList<X509Certificate2> SentChain { get; } = sentChain;

    /// <inheritdoc />
    public IIdentity Identity => this;

    /// <inheritdoc />
    public string AuthenticationType => "X509";

    /// <summary>The TLS handshake succeeded; the hub's rules are applied per link.</summary>
    public bool IsAuthenticated => true;

    /// <inheritdoc />
    public string Name => Certificate.Subject;

    /// <inheritdoc />
    public bool IsInRole(string role) => false;
}
