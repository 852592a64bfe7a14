using System.Security.Cryptography;
using System.Text;
using EdgeSensorModule.Configuration;

namespace EdgeSensorModule.Identity;

/// <summary>
/// The files the identity is loaded from (certificate, private key, password file) and a fingerprint of what they hold
/// now. The fingerprint hashes the content read through each path, so it follows whatever the path resolves to at that
/// moment: a file rewritten in place (same size, same second), and a Kubernetes secret whose <c>..data</c> symlink is
/// swapped to a new folder, both change it; a mere touch or a swap to identical content does not.
/// </summary>
internal sealed class IdentityFiles(DeviceOptions device)
{
    /// <summary>Beyond this a file is no certificate (the loader says so); its length stands in for its content.</summary>
    const int MaxHashedBytes = 1024 * 1024;

    /// <summary>The paths, for messages.</summary>
    public IEnumerable<string> Paths => Files().Select(f => f.Path);

    /// <summary>A fingerprint of the files' current content; a missing or unreadable file is part of it, never an error.</summary>
    public string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (setting, path) in Files())
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{setting}={path}\n"));
            hash.AppendData(Encoding.UTF8.GetBytes(Describe(path, hash)));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    IEnumerable<(string Setting, string Path)> Files()
    {
        yield return ("Device__CertificatePath", device.CertificatePath);
        if (!string.IsNullOrEmpty(device.PrivateKeyPath))
        {
            yield return ("Device__PrivateKeyPath", device.PrivateKeyPath);
        }

        if (!string.IsNullOrEmpty(device.CertificatePasswordFile))
        {
            yield return ("Device__CertificatePasswordFile", device.CertificatePasswordFile);
        }
    }

    /// <summary>Adds the file's content to <paramref name="hash"/>; returns a word for its state.</summary>
    static string Describe(string path, IncrementalHash hash)
    {
        try
        {
            // Opened once and measured through the open handle: a swap between a stat and an open cannot mix two versions.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            if (!stream.CanSeek || stream.Length > MaxHashedBytes)
            {
                return stream.CanSeek ? $"large:{stream.Length}" : "not-a-file";
            }

            var buffer = new byte[(int)stream.Length];
            stream.ReadExactly(buffer);
            hash.AppendData(buffer);
            return $"content:{buffer.Length}";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"unreadable:{ex.GetType().Name}";
        }
    }
}
