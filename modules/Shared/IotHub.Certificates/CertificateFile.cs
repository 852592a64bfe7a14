using System.Text;

namespace IotHub.Certificates;

/// <summary>Reads certificate and key files, turning I/O failures into one-line errors that name the setting.</summary>
internal static class CertificateFile
{
    public static byte[] ReadAllBytes(string path, string setting)
    {
        try
        {
            return File.ReadAllBytes(Require(path, setting));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, setting, ex);
        }
    }

    public static string ReadAllText(string path, string setting) => Encoding.UTF8.GetString(ReadAllBytes(path, setting));

    /// <summary>PEM files start with "-----BEGIN" (after optional white space or text); PFX files are DER.</summary>
    public static bool IsPem(ReadOnlySpan<byte> bytes) => bytes.IndexOf("-----BEGIN "u8) >= 0;

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

    static CertificateException Unreadable(string path, string setting, Exception ex) => ex is UnauthorizedAccessException
        ? new CertificateException($"{setting}: file '{path}' cannot be read (permission denied); make it readable by the module's user.", ex)
        : new CertificateException($"{setting}: file '{path}' cannot be read ({ex.Message}).", ex);
}
