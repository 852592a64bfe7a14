using System.Security.Cryptography;

namespace IotHub.Protocol.Telemetry;

/// <summary>
/// Random 128-bit message ids (version 4 GUIDs) taken from a buffer of cryptographically random bytes filled 256 ids at
/// a time: <see cref="Guid.NewGuid"/> reads the kernel's random source for every id, a system call per reading.
/// </summary>
internal static class MessageIds
{
    const int IdsPerFill = 256;
    const int IdBytes = 16;

    [ThreadStatic]
    static byte[]? random;

    [ThreadStatic]
    static int next;

    /// <summary>A new random GUID (RFC 9562 version 4, variant 10).</summary>
    public static Guid Next()
    {
        if (random is null || next == IdsPerFill)
        {
            random ??= new byte[IdsPerFill * IdBytes];
            RandomNumberGenerator.Fill(random);
            next = 0;
        }

        Span<byte> bytes = stackalloc byte[IdBytes];
        random.AsSpan(next++ * IdBytes, IdBytes).CopyTo(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4 (RFC 9562 5.4), in the big-endian layout below
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10
        return new Guid(bytes, bigEndian: true);
    }
}
