using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using HubSimulator.Cli;
using IotHub.Certificates;
using HubSimulator.Registry;

namespace HubSimulator.Demo;

/// <summary>
/// <c>init --out /certs --device ID --hostname simulator</c>: what docker-compose's init service runs. Writes the
/// demo PKI into a shared volume and a registry state file with the root CA verified and the device registered,
/// so the simulator and the module containers start ready.
/// </summary>
public static class InitCommand
{
    /// <summary>The state file's name in the output folder.</summary>
    public const string StateFileName = "state.json";

    /// <summary>The admin token's file in the output folder (<c>Simulator__AdminTokenFile</c> in docker-compose.yml).</summary>
    public const string AdminTokenFileName = "admin-token";

    /// <summary>The <c>init</c> verb.</summary>
    public static Command Create()
    {
        var folder = CliOptions.Required("--out", "The folder to write (the shared volume).", "DIR");
        var device = CliOptions.Text("--device", "The device to register as X.509 CA signed.", "ID", DemoCommand.DeviceId);
        var hostName = CliOptions.Text("--hostname", "The simulator's host name for the server certificate (localhost is always added).", "NAME", "localhost");
        var init = new Command("init", "Write the demo PKI, a registry state (root CA verified, the device registered) and an admin token: docker-compose's init service.")
        {
            folder, device, hostName,
        };
        init.SetAction(parse => Run(parse.GetRequiredValue(folder), parse.GetRequiredValue(device), parse.GetRequiredValue(hostName), parse.InvocationConfiguration.Output));
        return init;
    }

    /// <summary>Runs the verb.</summary>
    public static int Run(string folder, string deviceId, string hostName, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var pki = LabPki.LoadOrCreate(folder, deviceId, [hostName, "localhost"]);
        output.WriteLine($"{(pki.Reused ? "reused" : "made")} the PKI in {folder} (device '{deviceId}', server certificate for {hostName})");

        var stateFile = Path.Combine(folder, StateFileName);
        var registry = new DeviceRegistry(stateFile);
        if (registry.CertificateAuthorities().FirstOrDefault(c => c.Name == DemoCommand.CaName) is { } registered
            && registered.Thumbprint != pki.RootCa.GetCertHashString(HashAlgorithmName.SHA256))
        {
            throw new UsageException($"{stateFile} registers CA '{DemoCommand.CaName}' with another root than {Path.Combine(folder, "root-ca.pem")} ({registered.Subject}); delete {stateFile} to register this root, or init into an empty folder.");
        }

        ProofOfPossession.RegisterAndVerify(registry, DemoCommand.CaName, pki.RootCa, output.WriteLine);
        if (registry.FindDevice(deviceId) is null)
        {
            registry.AddDevice(deviceId, DeviceAuthentication.CaSigned);
        }

        output.WriteLine($"device '{deviceId}' registered as X.509 CA signed; state in {Path.Combine(folder, StateFileName)}");
        var tokenFile = Path.Combine(folder, AdminTokenFileName);
        if (!File.Exists(tokenFile))
        {
            CertificateExport.WritePrivateFile(tokenFile, Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));
        }

        output.WriteLine($"admin API token in {tokenFile} (the admin verbs take it as --token)");
        return ExitCodes.Ok;
    }
}
