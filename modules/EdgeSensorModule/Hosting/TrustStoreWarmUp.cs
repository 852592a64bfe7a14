using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeSensorModule.Hosting;

/// <summary>
/// On Linux, .NET reads the system's trust store (every certificate under <c>/etc/ssl/certs</c>) into a process-wide
/// cache at the first X.509 chain build, even for a chain checked only against the module's own trust bundle; the
/// identity check at start-up, the client certificate's context and the server's certificate all wait for it. Reading
/// it on a thread-pool thread while the host is built takes it off the way to the first acknowledged reading
/// (docs/performance.md, Start-up).
/// </summary>
internal static class TrustStoreWarmUp
{
    /// <summary>Starts reading the store in the background; returns at once.</summary>
    public static void Start() => ThreadPool.UnsafeQueueUserWorkItem(_ => Load(), null);

    static void Load()
    {
        try
        {
            using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            store.Open(OpenFlags.ReadOnly);
            foreach (var root in store.Certificates)
            {
                root.Dispose(); // the cache keeps its own copies
            }
        }
        catch (CryptographicException)
        {
            // Nothing lost: the chain builds that need the store read it themselves and report what fails.
        }
    }
}
