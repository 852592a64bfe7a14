using System.Diagnostics;

namespace TestInfrastructure;

/// <summary>
/// A real, tiny file system (tmpfs of a few KiB) mounted on a temporary folder, so a test can fill the disk for real.
/// Mounting needs root: the test fails (never skips) with the way to run it when it cannot mount.
/// </summary>
public sealed class TinyDisk : IDisposable
{
    TinyDisk(string folder) => Folder = folder;

    /// <summary>The mount point.</summary>
    public string Folder { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kibibytes"/> KiB.</summary>
    public static TinyDisk Mount(int kibibytes)
    {
        var mount = RequiredTool.Find("mount", "apt-get install -y mount");
        var folder = Directory.CreateTempSubdirectory("esm-disk-").FullName;
        var (code, output) = Run(mount, "-t", "tmpfs", "-o", $"size={kibibytes}k", "tmpfs", folder);
        if (code != 0)
        {
            Directory.Delete(folder);
            throw new InvalidOperationException(
                $"Cannot mount a {kibibytes} KiB tmpfs on {folder} ({output.Trim()}); this test fills a real disk and needs root: run it as root (bash .ci/run as root, or sudo).");
        }

        return new TinyDisk(folder);
    }

    /// <summary>Remounts the disk read-only, as a failing SD card or a read-only volume is.</summary>
    public void MakeReadOnly()
    {
        var (code, output) = Run(RequiredTool.Find("mount", "apt-get install -y mount"), "-o", "remount,ro", Folder);
        if (code != 0)
        {
            throw new InvalidOperationException($"Cannot remount {Folder} read-only: {output.Trim()}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Run(RequiredTool.Find("umount", "apt-get install -y mount"), "-l", Folder);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Still busy: the OS cleans the temp folder.
        }
    }

    static (int Code, string Output) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
