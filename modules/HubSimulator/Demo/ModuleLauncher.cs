using System.Diagnostics;
using System.Reflection;

namespace HubSimulator.Demo;

/// <summary>
/// The module as a user runs it: built from the repository this simulator was built in (<c>dotnet build</c>), then
/// started as its own process with <c>Device__*</c> settings in its environment. The simulator does not link it.
/// </summary>
public static class ModuleLauncher
{
    const string ProjectFolder = "modules/EdgeSensorModule";

    /// <summary>The module project's folder above this program, or null when it runs outside the repository.</summary>
    public static string? FindProject()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var project = Path.Combine(folder.FullName, ProjectFolder);
            if (File.Exists(Path.Combine(project, "EdgeSensorModule.csproj")))
            {
                return project;
            }
        }

        return null;
    }

    /// <summary>Builds the module in this program's configuration; returns its assembly, or null with the build's output written.</summary>
    public static async Task<string?> BuildAsync(string project, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var configuration = typeof(ModuleLauncher).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var build = Start("dotnet", ["build", project, "-c", configuration, "--nologo", "-v", "quiet"], new Dictionary<string, string?>());
        var log = await build.StandardOutput.ReadToEndAsync(cancellationToken);
        await build.WaitForExitAsync(cancellationToken);
        if (build.ExitCode != 0)
        {
            await output.WriteLineAsync(log);
            return null;
        }

        return Path.Combine(project, "bin", configuration, "net10.0", "EdgeSensorModule.dll");
    }

    /// <summary>Starts <c>dotnet {assembly}</c> with <paramref name="environment"/>; its output goes to <paramref name="output"/>.</summary>
    public static Process Run(string assembly, IReadOnlyDictionary<string, string?> environment, TextWriter output)
    {
        var process = Start("dotnet", [assembly], environment);
        process.OutputDataReceived += (_, e) => Forward(output, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static void Forward(TextWriter output, string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            lock (output)
            {
                output.WriteLine($"      module: {line}");
            }
        }
    }

    static Process Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }
}
