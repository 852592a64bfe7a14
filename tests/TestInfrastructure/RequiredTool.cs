namespace TestInfrastructure;

/// <summary>Finds a third-party program a test needs; fails with the install command when it is missing.</summary>
public static class RequiredTool
{
    /// <summary>The full path of <paramref name="name"/>, searched on PATH and the sbin folders.</summary>
    public static string Find(string name, string installHint)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/sbin"]);
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"'{name}' is not installed; this test needs it as a real peer. Install it: {installHint}");
    }
}
