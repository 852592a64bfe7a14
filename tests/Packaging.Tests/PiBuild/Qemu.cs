using TestInfrastructure;

namespace Packaging.Tests.PiBuild;

/// <summary>qemu-user for aarch64 with Debian's arm64 libraries as the guest root (<c>-L /</c>).</summary>
internal static class Qemu
{
    public const string InstallHint =
        "dpkg --add-architecture arm64 && apt-get update && apt-get install -y qemu-user-static libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64 libssl3:arm64";

    /// <summary>The emulator; fails with the install command when it or the arm64 libraries are missing.</summary>
    public static string FindAarch64()
    {
        var qemu = RequiredTool.Find("qemu-aarch64-static", InstallHint);
        foreach (var library in new[] { "/lib/ld-linux-aarch64.so.1", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libz.so.1", "/usr/lib/aarch64-linux-gnu/libssl.so.3" })
        {
            if (!File.Exists(library))
            {
                throw new InvalidOperationException($"'{library}' is missing; the arm64 build runs on Debian's arm64 libraries. Install them: {InstallHint}");
            }
        }

        return qemu;
    }

    /// <summary>ELF machine of an executable: 183 is AArch64, 62 is x86-64.</summary>
    public static int ElfMachine(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> header = stackalloc byte[20];
        file.ReadExactly(header);
        return header[..4].SequenceEqual("\u007fELF"u8) ? header[18] | (header[19] << 8) : -1;
    }
}
