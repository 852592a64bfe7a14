using System.Reflection;
using Xunit;

namespace TestInfrastructure;

/// <summary>
/// The module's configuration as an IoT Edge manifest would set it: environment variables. Test projects that
/// reference the module project find it built next to them.
/// </summary>
public static class ModuleEnvironment
{
    /// <summary>The module as built next to the tests, or in its own output folder (see <see cref="Locate"/>).</summary>
    public static string Assembly { get; } = Locate();

    /// <summary>
    /// A test project that also references an ASP.NET Core project (the simulator) gets Microsoft.Extensions.Hosting
    /// from the ASP.NET Core shared framework, which the module's own runtimeconfig does not load; the module then runs
    /// from its own build output (same configuration and framework as the tests).
    /// </summary>
    static string Locate()
    {
        var here = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        if (File.Exists(Path.Combine(here, "Microsoft.Extensions.Hosting.dll")))
        {
            return Path.Combine(here, "EdgeSensorModule.dll");
        }

        var configuration = typeof(ModuleEnvironment).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var folder = new DirectoryInfo(here); folder is not null; folder = folder.Parent)
        {
            var module = Path.Combine(folder.FullName, "modules", "EdgeSensorModule", "bin", configuration, Path.GetFileName(here), "EdgeSensorModule.dll");
            if (File.Exists(module))
            {
                return module;
            }
        }

        throw new InvalidOperationException($"EdgeSensorModule.dll ({configuration}) was found neither in {here} nor in modules/EdgeSensorModule/bin; build the module first.");
    }

    /// <summary>A device with a PFX identity sending <paramref name="count"/> fast fake readings to 127.0.0.1:<paramref name="port"/>.</summary>
    public static Dictionary<string, string?> ForPfx(TestPki pki, DeviceFiles device, string deviceId, int port, int count = 5) => new()
    {
        ["Device__Id"] = deviceId,
        ["Device__HostName"] = "localhost",
        ["Device__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Device__CertificatePath"] = device.Pfx,
        ["Device__CertificatePassword"] = TestPki.PfxPassword,
        ["Device__TrustBundlePath"] = pki.ServerCaPem,
        ["Sensor__Type"] = "Fake",
        ["Sensor__Seed"] = "42",
        ["Telemetry__MessageCount"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Telemetry__Interval"] = "00:00:00.010",
        ["Outbox__Path"] = NewOutboxFolder(pki),
    };

    /// <summary>A fresh outbox folder inside the test PKI's folder (deleted with it), so runs never share readings.</summary>
    public static string NewOutboxFolder(TestPki pki) => Path.Combine(pki.Folder, $"outbox-{Guid.NewGuid():N}");

    /// <summary>The same device configured with a PEM chain and key instead of the PFX.</summary>
    public static Dictionary<string, string?> ForPem(TestPki pki, DeviceFiles device, string deviceId, int port, int count = 5)
    {
        var environment = ForPfx(pki, device, deviceId, port, count);
        environment["Device__CertificatePath"] = device.FullChainPem;
        environment["Device__PrivateKeyPath"] = device.KeyPem;
        environment["Device__CertificatePassword"] = null;
        return environment;
    }

    /// <summary>Runs the module to its exit; returns the exit code and its output.</summary>
    /// <param name="environment">The settings.</param>
    /// <param name="timeout">How long it may run; 60 s when null.</param>
    /// <param name="workingDirectory">Where it is started from; its own folder when null.</param>
    public static async Task<(int ExitCode, ModuleProcess Process)> RunAsync(Dictionary<string, string?> environment, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var process = workingDirectory is null
            ? ModuleProcess.Start(Assembly, environment)
            : ModuleProcess.StartExecutable("dotnet", [Assembly], environment, workingDirectory);
        var code = await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return (code, process);
    }

    /// <summary>
    /// Runs the module expecting a setup mistake: exit code 2, no stack trace, no password; returns its one critical line.
    /// </summary>
    public static async Task<string> SetupErrorLineAsync(Dictionary<string, string?> environment, string? workingDirectory = null)
    {
        var (exitCode, module) = await RunAsync(environment, TimeSpan.FromSeconds(30), workingDirectory);
        Assert.True(exitCode == 2, $"exit code {exitCode}: {module.Output}");
        var critical = Assert.Single(module.Lines, l => l.Contains("crit:", StringComparison.Ordinal));
        Assert.DoesNotContain(module.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
        Assert.DoesNotContain(TestPki.PfxPassword + "5", module.Output, StringComparison.Ordinal);
        return critical;
    }
}
