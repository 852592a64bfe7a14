using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>Third-party peers of the simulator's tests, and where their files are.</summary>
internal static class Peers
{
    /// <summary>The repository root (holds EdgeSensorModule.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The Node.js peer's folder (package.json, send.js).</summary>
    public static string NodeFolder => Path.Combine(RepositoryRoot, "tests", "HubSimulator.Tests", "node");

    /// <summary>The simulator's CLI as built next to the tests.</summary>
    public static string SimulatorAssembly => Path.Combine(AppContext.BaseDirectory, "HubSimulator.dll");

    /// <summary>Runs <c>node send.js ...</c>; fails with the install command when Node or the SDK is missing.</summary>
    public static Task<ExternalResult> NodeSendAsync(params string[] arguments)
    {
        if (!Directory.Exists(Path.Combine(NodeFolder, "node_modules", "azure-iot-device-mqtt")) || !Directory.Exists(Path.Combine(NodeFolder, "node_modules", "azure-iot-device-amqp")))
        {
            throw new InvalidOperationException(
                $"The Azure IoT Node.js SDK is not installed for this test; install it: cd {NodeFolder} && npm ci   (.ci/run does this)");
        }

        return ExternalProcess.RunAsync("node", "apt-get install -y nodejs npm", ["send.js", .. arguments], TimeSpan.FromSeconds(30), NodeFolder);
    }

    /// <summary>Runs <c>node provision.js ...</c> (the official DPS device SDK); fails with the install command when it is missing.</summary>
    public static Task<ExternalResult> NodeProvisionAsync(params string[] arguments)
    {
        if (!Directory.Exists(Path.Combine(NodeFolder, "node_modules", "azure-iot-provisioning-device-mqtt")))
        {
            throw new InvalidOperationException(
                $"The Azure IoT Node.js provisioning SDK is not installed for this test; install it: cd {NodeFolder} && npm ci   (.ci/run does this)");
        }

        return ExternalProcess.RunAsync("node", "apt-get install -y nodejs npm", ["provision.js", .. arguments], TimeSpan.FromSeconds(30), NodeFolder);
    }

    /// <summary>Starts <c>node device.js ...</c>, the SDK's twin, method and C2D peer; fails with the install command when the SDK is missing.</summary>
    public static ModuleProcess StartNodeDevice(params string[] arguments)
    {
        if (!Directory.Exists(Path.Combine(NodeFolder, "node_modules", "azure-iot-device-mqtt")))
        {
            throw new InvalidOperationException(
                $"The Azure IoT Node.js SDK is not installed for this test; install it: cd {NodeFolder} && npm ci   (.ci/run does this)");
        }

        return ModuleProcess.StartExecutable("node", ["device.js", .. arguments], new Dictionary<string, string?>(), NodeFolder);
    }

    /// <summary>Runs the simulator's CLI (<c>dotnet HubSimulator.dll ...</c>) to completion.</summary>
    public static Task<ExternalResult> SimulatorCliAsync(string workingDirectory, params string[] arguments) =>
        ExternalProcess.RunAsync("dotnet", "install the .NET 10 SDK", [SimulatorAssembly, .. arguments], TimeSpan.FromSeconds(60), workingDirectory);

    static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EdgeSensorModule.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No EdgeSensorModule.sln above {AppContext.BaseDirectory}.");
    }
}
