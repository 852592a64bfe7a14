using System.Security.Cryptography;
using System.Text;

namespace IotHub.Certificates;

/// <summary>
/// OpenSSL's legacy ("traditional") encrypted PEM keys, as <c>openssl ... -traditional</c> and older tools write them:
/// a PKCS#1 (RSA) or SEC1 (EC) key under the headers <c>Proc-Type: 4,ENCRYPTED</c> and <c>DEK-Info: cipher,iv</c>,
/// encrypted with a key derived by OpenSSL's EVP_BytesToKey (MD5, salt = the first 8 bytes of the IV, one round).
/// .NET reads only encrypted PKCS#8, so these are decrypted here.
/// </summary>
internal static class LegacyPemKey
{
    /// <summary>True when <paramref name="pem"/> carries the legacy encryption headers.</summary>
    public static bool IsEncrypted(string pem) => pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal);

    /// <summary>
    /// The key's label ("RSA PRIVATE KEY" or "EC PRIVATE KEY") and decrypted DER. Throws <see cref="CryptographicException"/>
    /// when the password is wrong, <see cref="NotSupportedException"/> for a cipher other than AES-CBC or DES-EDE3-CBC.
    /// </summary>
    public static (string Label, byte[] Der) Decrypt(string pem, string password)
    {
        var lines = pem.Split('\n', StringSplitOptions.TrimEntries);
        var begin = Array.FindIndex(lines, l => l.StartsWith("-----BEGIN ", StringComparison.Ordinal) && l.EndsWith("PRIVATE KEY-----", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, Math.Max(begin, 0), l => l.StartsWith("-----END ", StringComparison.Ordinal));
        if (begin < 0 || end < 0)
        {
            throw new CryptographicException("No PEM private key block.");
        }

        var label = lines[begin]["-----BEGIN ".Length..^"-----".Length];
        var dekInfo = lines[begin..end].FirstOrDefault(l => l.StartsWith("DEK-Info:", StringComparison.Ordinal))
            ?? throw new CryptographicException("No DEK-Info header.");
        var parts = dekInfo["DEK-Info:".Length..].Trim().Split(',');
        var iv = Convert.FromHexString(parts[1]);
        var body = string.Concat(lines[(begin + 1)..end].Where(l => l.Length > 0 && !l.Contains(':', StringComparison.Ordinal)));
        using SymmetricAlgorithm cipher = parts[0] switch
        {
            "AES-128-CBC" or "AES-192-CBC" or "AES-256-CBC" => Aes.Create(),
#pragma warning disable CA5350 // The file was written with 3DES; reading it is the only way to use it.
            "DES-EDE3-CBC" => TripleDES.Create(),
#pragma warning restore CA5350
            _ => throw new NotSupportedException(parts[0]),
        };
        cipher.Key = DeriveKey(password, iv.AsSpan(0, 8), parts[0] == "DES-EDE3-CBC" ? 24 : int.Parse(parts[0].AsSpan(4, 3), System.Globalization.CultureInfo.InvariantCulture) / 8);
        return (label, cipher.DecryptCbc(Convert.FromBase64String(body), iv));
    }

    /// <summary>OpenSSL's EVP_BytesToKey with MD5 and one round: D1 = MD5(password + salt), Di = MD5(Di-1 + password + salt).</summary>
    static byte[] DeriveKey(string password, ReadOnlySpan<byte> salt, int length)
    {
        var secret = Encoding.UTF8.GetBytes(password);
        var key = new List<byte>(length + 16);
        byte[] previous = [];
        while (key.Count < length)
        {
#pragma warning disable CA5351 // The legacy PEM format defines its key derivation with MD5.
            previous = MD5.HashData([.. previous, .. secret, .. salt]);
#pragma warning restore CA5351
            key.AddRange(previous);
        }

        return [.. key.Take(length)];
    }
}
