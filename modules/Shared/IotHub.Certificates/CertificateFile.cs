using System.Text;

namespace IotHub.Certificates;

/// <summary>Reads certificate and key files, turning I/O failures into one-line errors that name the setting.</summary>
internal static class CertificateFile
{
    /// <summary>The most a certificate, key, PFX or trust bundle file may hold; real ones are a few KB.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static byte[] ReadAllBytes(string path, string setting, string what = "the certificate or key file")
    {
        try
        {
            var declared = Target(new FileInfo(Require(path, setting))).Length;
            if (declared > MaxBytes)
            {
                throw TooLarge(path, setting, declared);
            }

            var content = ReadAtMost(path, MaxBytes + 1);
            // A device or pipe (/dev/zero, /dev/stdin) declares no length yet yields bytes: never a certificate file.
            return content.Length == declared
                ? content
                : throw new CertificateException($"{setting}: '{path}' is not a regular file (a device or pipe); set it to {what}.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, setting, ex);
        }
    }

    public static string ReadAllText(string path, string setting) => Encoding.UTF8.GetString(ReadAllBytes(path, setting));

    /// <summary>PEM files start with "-----BEGIN" (after optional white space or text); PFX files are DER.</summary>
    public static bool IsPem(ReadOnlySpan<byte> bytes) => bytes.IndexOf("-----BEGIN "u8) >= 0;

    static byte[] ReadAtMost(string path, int limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.None);
        var buffer = new byte[Math.Min(limit, 64 * 1024)];
        var length = 0;
        while (length < limit)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(limit, buffer.Length * 2));
            }

            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return buffer[..length];
    }

    /// <summary>
    /// The file a path names after following its symbolic links (a Kubernetes secret mounts <c>tls.crt</c> as a link
    /// into <c>..data</c>): a link's own length is that of the path it holds, not of the certificate.
    /// </summary>
    static FileInfo Target(FileInfo file) =>
        file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target : file;

    static string Require(string path, string setting)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CertificateException($"{setting} is not set; set it to the file's path.");
        }

        if (Directory.Exists(path))
        {
            throw new CertificateException($"{setting}: '{path}' is a folder; set it to the file inside it.");
        }

        if (!File.Exists(path))
        {
            throw new CertificateException($"{setting}: file '{path}' does not exist; check the path and the volume that mounts it.");
        }

        return path;
    }

    static CertificateException TooLarge(string path, string setting, long length) => new(
        $"{setting}: '{path}' holds {length} bytes, more than a certificate or key file can ({MaxBytes / 1024 / 1024} MB); set it to the certificate or key file.");

    static CertificateException Unreadable(string path, string setting, Exception ex) => ex is UnauthorizedAccessException
        ? new CertificateException($"{setting}: file '{path}' cannot be read (permission denied); make it readable by the module's user.", ex)
        : new CertificateException($"{setting}: file '{path}' cannot be read ({ex.Message}).", ex);
}
