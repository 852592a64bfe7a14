using System.Runtime.InteropServices;
using EdgeSensorModule.Configuration;
using IotHub.Certificates;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.Identity;

/// <summary>
/// The files a module reads its identity from, in a folder of the test PKI, laid out as Kubernetes mounts a secret:
/// <c>device.pem</c> and <c>device.key.pem</c> are symlinks into <c>..data</c>, itself a symlink to a versioned folder.
/// Tests rewrite the files in place (a bind mount) or swap <c>..data</c> (a secret update).
/// </summary>
internal sealed partial class LiveIdentityFiles
{
    readonly string folder;
    int version;

    public LiveIdentityFiles(TestPki pki, DeviceFiles initial)
    {
        folder = Path.Combine(pki.Folder, $"live-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        SwapSecret(File.ReadAllText(initial.FullChainPem), File.ReadAllText(initial.KeyPem));
        File.CreateSymbolicLink(Certificate, Path.Combine("..data", "device.pem"));
        File.CreateSymbolicLink(Key, Path.Combine("..data", "device.key.pem"));
    }

    public string Certificate => Path.Combine(folder, "device.pem");

    public string Key => Path.Combine(folder, "device.key.pem");

    public DeviceOptions Options(string deviceId) => new() { Id = deviceId, HostName = "localhost", CertificatePath = Certificate, PrivateKeyPath = Key };

    /// <summary>Rewrites the current version's files in place, as an editor or <c>cp</c> onto a bind mount does.</summary>
    public void Rewrite(string certificatePem, string keyPem)
    {
        File.WriteAllText(Certificate, certificatePem);
        File.WriteAllText(Key, keyPem);
    }

    /// <summary>Writes a new version folder and points <c>..data</c> to it in one rename, as the kubelet does.</summary>
    public void SwapSecret(string certificatePem, string keyPem)
    {
        var next = Path.Combine(folder, $"..v{++version}");
        Directory.CreateDirectory(next);
        File.WriteAllText(Path.Combine(next, "device.pem"), certificatePem);
        CertificateExport.WritePrivateFile(Path.Combine(next, "device.key.pem"), System.Text.Encoding.ASCII.GetBytes(keyPem));
        var staged = Path.Combine(folder, "..data_tmp");
        File.CreateSymbolicLink(staged, Path.GetFileName(next));
        // rename(2) replaces the old link atomically; File.Move follows the link and refuses a folder.
        if (Rename(staged, Path.Combine(folder, "..data")) != 0)
        {
            throw new IOException($"rename failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);
}
