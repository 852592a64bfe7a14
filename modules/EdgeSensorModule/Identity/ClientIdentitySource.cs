using EdgeSensorModule.Configuration;
using EdgeSensorModule.HubConnection;
using IotHub.Certificates;

namespace EdgeSensorModule.Identity;

/// <summary>
/// Holds the identity in use and replaces it when a rotation brings a checked new one. A replaced identity may still
/// be in a TLS session that is closing, so it is disposed one rotation later, not at once.
/// </summary>
public sealed class ClientIdentitySource : IClientIdentitySource, IDisposable
{
    readonly Lock gate = new();
    CurrentIdentity current;
    CurrentIdentity? retired;

    /// <summary>Starts with <paramref name="initial"/> (generation 1); takes ownership of it.</summary>
    public ClientIdentitySource(ClientIdentity initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        current = new CurrentIdentity(initial, 1);
    }

    /// <summary>
    /// Fingerprint (<see cref="IdentityFiles"/>) of the files the first identity was loaded from, taken before loading:
    /// a change made while it loaded is seen by the first look for changes. Empty when unknown.
    /// </summary>
    public string LoadedFrom { get; init; } = "";

    /// <inheritdoc />
    public CurrentIdentity Current => Volatile.Read(ref current);

    /// <summary>Loads the identity from the <c>Device__*</c> settings (<see cref="DeviceIdentity.Load"/>), remembering what its files held.</summary>
    public static ClientIdentitySource Load(DeviceOptions device, DateTimeOffset now, bool provisioned = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        var fingerprint = new IdentityFiles(device).Fingerprint();
        return new ClientIdentitySource(DeviceIdentity.Load(device, now, provisioned)) { LoadedFrom = fingerprint };
    }

    /// <summary>Makes <paramref name="next"/> the identity in use (taking ownership of it) and signals the previous one's holders.</summary>
    public CurrentIdentity Replace(ClientIdentity next)
    {
        ArgumentNullException.ThrowIfNull(next);
        CurrentIdentity previous;
        CurrentIdentity replacement;
        lock (gate)
        {
            previous = current;
            replacement = new CurrentIdentity(next, previous.Generation + 1);
            retired?.Identity.Dispose();
            retired = previous;
            Volatile.Write(ref current, replacement);
        }

        previous.Supersede();
        return replacement;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            retired?.Identity.Dispose();
            current.Identity.Dispose();
        }
    }
}
