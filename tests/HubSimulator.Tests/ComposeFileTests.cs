using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using EdgeSensorModule.Configuration;
using HubSimulator.Hosting;
using YamlDotNet.RepresentationModel;
using TestInfrastructure;

namespace HubSimulator.Tests;

/// <summary>
/// No Docker engine runs here, so docker-compose.yml is kept right by checking it against the projects: build
/// contexts and Dockerfiles, commands (the init command is run for real), environment names against the options
/// classes that bind them, ports, and the files the services read from the shared volume.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class ComposeFileTests : IDisposable
{
    const string CertsMount = "/certs";

    readonly YamlMappingNode root;
    readonly YamlMappingNode services;
    readonly string volume = Directory.CreateTempSubdirectory("compose-certs-").FullName;

    public ComposeFileTests()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Peers.RepositoryRoot, "docker-compose.yml")))
        {
            stream.Load(reader);
        }

        root = (YamlMappingNode)stream.Documents[0].RootNode;
        services = (YamlMappingNode)root["services"];
    }

    YamlMappingNode Service(string name) => (YamlMappingNode)services[name];

    [Fact]
    public void SimulatorBuild_ContextAndDockerfile_PublishTheSimulatorProject()
    {
        var dockerfile = Dockerfile("init");

        Assert.Contains("dotnet publish modules/HubSimulator/HubSimulator.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"HubSimulator.dll\"]", dockerfile, StringComparison.Ordinal);
        Assert.Equal(Scalar(Service("init"), "image"), Scalar(Service("simulator"), "image"));
    }

    [Fact]
    public void ModuleBuild_ContextAndDockerfile_PublishAndRunTheModule()
    {
        var dockerfile = Dockerfile("module");

        Assert.Contains("dotnet publish modules/EdgeSensorModule/EdgeSensorModule.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Matches("ENTRYPOINT .*EdgeSensorModule", dockerfile);
    }

    /// <summary>The service's Dockerfile, after checking that everything it copies is in its build context.</summary>
    string Dockerfile(string service)
    {
        var build = (YamlMappingNode)Service(service)["build"];
        var context = Path.Combine(Peers.RepositoryRoot, Scalar(build, "context"));
        var path = Path.Combine(context, Scalar(build, "dockerfile"));
        Assert.True(File.Exists(path), $"{service}: {path} does not exist");
        var dockerfile = File.ReadAllText(path);
        foreach (var source in dockerfile.Split('\n').Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
                     .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]))
        {
            Assert.True(Path.Exists(Path.Combine(context, source)), $"{service}: the Dockerfile copies '{source}', which is not in the build context {context}");
        }

        return dockerfile;
    }

    [Fact]
    public void Environment_EveryName_IsASettingTheServiceBinds()
    {
        var module = Settings(typeof(DeviceOptions), typeof(SensorOptions), typeof(TelemetryOptions), typeof(AlertOptions), typeof(OutboxOptions));
        var simulator = Settings(typeof(SimulatorOptions));

        Assert.All(Environment("module").Keys, name => Assert.Contains(name, module));
        Assert.All(Environment("simulator").Keys, name => Assert.Contains(name, simulator));
    }

    [Fact]
    public void Outbox_ModulesOutboxFolder_IsAVolume()
    {
        var path = Environment("module")["Outbox__Path"];

        Assert.Contains($"outbox:{path}", Mounts("module"));
        Assert.True(((YamlMappingNode)root["volumes"]).Children.ContainsKey("outbox"));
    }

    [Fact]
    public void Ports_ModuleConnectsToTheSimulatorsMqttPortAndHostName()
    {
        var simulator = Environment("simulator");
        var module = Environment("module");
        var published = ((YamlSequenceNode)Service("simulator")["ports"]).Select(p => p.ToString().Split(':')[^1]).ToList();

        Assert.Equal(simulator["Simulator__MqttPort"], module["Device__Port"]);
        Assert.Equal("simulator", module["Device__HostName"]);
        Assert.Contains(simulator["Simulator__MqttPort"], published);
        Assert.Contains(simulator["Simulator__AdminPort"], published);
        Assert.Equal("0.0.0.0", simulator["Simulator__BindAddress"]);
    }

    [Fact]
    public async Task InitCommand_RunForReal_WritesEveryFileTheSimulatorAndModuleRead()
    {
        var command = ((YamlSequenceNode)Service("init")["command"]).Select(n => n.ToString()).ToArray();
        Assert.All(["init", "simulator", "module"], s => Assert.Contains($"certs:{CertsMount}", Mounts(s).Select(m => m.Replace(":ro", "", StringComparison.Ordinal))));

        var result = await Peers.SimulatorCliAsync(volume, [.. command.Select(a => a == CertsMount ? volume : a)]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("run", ((YamlSequenceNode)Service("simulator")["command"]).Single().ToString());
        var module = Environment("module");
        var simulator = Environment("simulator");
        foreach (var path in module.Values.Concat(simulator.Values).Where(v => v.StartsWith(CertsMount + "/", StringComparison.Ordinal)))
        {
            Assert.True(File.Exists(Path.Combine(volume, path[(CertsMount.Length + 1)..])), $"{path} is read but init does not write it");
        }

        using var pfx = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(volume, Path.GetFileName(module["Device__CertificatePath"])), module["Device__CertificatePassword"]);
        Assert.Equal(module["Device__Id"], pfx.GetNameInfo(X509NameType.SimpleName, false));
        using var server = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(volume, "server.pem")));
        Assert.True(server.MatchesHostname(module["Device__HostName"]), "the server certificate does not name the host the module connects to");
        Assert.Contains($"\"DeviceId\": \"{module["Device__Id"]}\"", File.ReadAllText(Path.Combine(volume, "state.json")), StringComparison.Ordinal);
    }

    Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service)["environment"]).ToDictionary(e => e.Key.ToString(), e => e.Value.ToString());

    IEnumerable<string> Mounts(string service) => ((YamlSequenceNode)Service(service)["volumes"]).Select(v => v.ToString());

    static string Scalar(YamlMappingNode node, string key) => node[key].ToString();

    /// <summary>Environment names an options class binds: <c>{Section}__{Property}</c> for every settable property.</summary>
    static HashSet<string> Settings(params Type[] optionTypes) => optionTypes
        .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .Select(p => $"{t.GetField("Section")!.GetRawConstantValue()}__{p.Name}"))
        .ToHashSet(StringComparer.Ordinal);

    public void Dispose() => Directory.Delete(volume, recursive: true);
}
