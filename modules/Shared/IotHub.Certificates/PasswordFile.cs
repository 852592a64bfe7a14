using System.Text;

namespace IotHub.Certificates;

/// <summary>A file whose first line is a password (a mounted secret), read with the same bounds as certificate files.</summary>
public static class PasswordFile
{
    /// <summary>The first line of <paramref name="path"/> without its line end; errors name <paramref name="setting"/>.</summary>
    public static string ReadFirstLine(string path, string setting)
    {
        var text = Encoding.UTF8.GetString(CertificateFile.ReadAllBytes(path, setting, "the file that holds the password"));
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? text : text[..end];
    }
}
