using System.Text.Json;
using System.Text.RegularExpressions;

namespace Packaging.Tests.Manifest;

/// <summary>deployment.template.json says what the module reads and what IoT Edge accepts.</summary>
public sealed partial class DeploymentTemplateTests
{
    readonly DeploymentTemplate template = DeploymentTemplate.Load();

    [Fact]
    public void Template_ParsedStrictly_IsJsonWithTheRuntimeSchemas()
    {
        using var strict = JsonDocument.Parse(Repository.Read(DeploymentTemplate.FileName), new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });

        Assert.Equal("1.1", template.EdgeAgent["schemaVersion"]!.GetValue<string>());
        Assert.Matches("^1\\.[0-3]$", template.EdgeHub["schemaVersion"]!.GetValue<string>());
        Assert.Equal("mcr.microsoft.com/azureiotedge-agent:1.5", template.EdgeAgent["systemModules"]!["edgeAgent"]!["settings"]!["image"]!.GetValue<string>());
        Assert.Equal("mcr.microsoft.com/azureiotedge-hub:1.5", template.EdgeAgent["systemModules"]!["edgeHub"]!["settings"]!["image"]!.GetValue<string>());
        Assert.True(template.EdgeHub["storeAndForwardConfiguration"]!["timeToLiveSecs"]!.GetValue<int>() > 0);
    }

    [Fact]
    public void ModuleEnv_EveryName_IsASettingTheModuleReads()
    {
        var unknown = template.Environment.Keys.Where(name => !ModuleSettings.EnvironmentNames.Contains(name)).ToList();

        Assert.True(unknown.Count == 0,
            $"{DeploymentTemplate.FileName} sets names the module does not read: {string.Join(", ", unknown)}. "
            + $"The module reads: {string.Join(", ", ModuleSettings.EnvironmentNames.Order(StringComparer.Ordinal))}.");
    }

    [Fact]
    public void ModuleEnv_RequiredDeviceSettings_AreSet()
    {
        Assert.All(new[] { "Device__Id", "Device__HostName", "Device__CertificatePath" }, name => Assert.Contains(name, template.Environment.Keys));
    }

    [Fact]
    public void CreateOptions_I2cDevice_IsMappedWithoutPrivileged()
    {
        var devices = template.HostConfig["Devices"]!.AsArray();

        Assert.False(template.HostConfig["Privileged"]?.GetValue<bool>() ?? false, "the module must not run privileged");
        Assert.Null(template.HostConfig["CapAdd"]);
        var i2c = Assert.Single(devices, d => d!["PathOnHost"]!.GetValue<string>() == "/dev/i2c-1");
        Assert.Equal("/dev/i2c-1", i2c!["PathInContainer"]!.GetValue<string>());
        Assert.Matches("^[rwm]+$", i2c["CgroupPermissions"]!.GetValue<string>());
        Assert.All(devices, d => Assert.Equal(["CgroupPermissions", "PathInContainer", "PathOnHost"], d!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void CreateOptions_GroupAdd_GivesTheNonRootUserTheI2cGroup()
    {
        var groups = template.HostConfig["GroupAdd"]!.AsArray().Select(g => g!.GetValue<string>()).ToList();

        Assert.Equal(["$I2C_GROUP_ID"], groups);
    }

    [Fact]
    public void CreateOptions_CertificateFolder_IsBoundReadOnlyWhereTheSettingsPoint()
    {
        var binds = template.HostConfig["Binds"]!.AsArray().Select(b => b!.GetValue<string>()).ToList();

        var certs = Assert.Single(binds, b => b.EndsWith(":/certs:ro", StringComparison.Ordinal));
        Assert.StartsWith("$DEVICE_CERTIFICATE_FOLDER:", certs, StringComparison.Ordinal);
        Assert.StartsWith("/certs/", template.Environment["Device__CertificatePath"], StringComparison.Ordinal);
        Assert.StartsWith("/certs/", template.Environment["Device__CertificatePasswordFile"], StringComparison.Ordinal);
        Assert.DoesNotContain("Device__CertificatePassword", template.Environment.Keys);
    }

    [Fact]
    public void CreateOptions_Outbox_IsOnANamedVolume()
    {
        var mounts = template.HostConfig["Mounts"]!.AsArray();

        var outbox = Assert.Single(mounts, m => m!["Target"]!.GetValue<string>() == template.Environment["Outbox__Path"]);
        Assert.Equal("volume", outbox!["Type"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(outbox["Source"]!.GetValue<string>()));
    }

    [Fact]
    public void CreateOptions_MetricsPort_IsTheDocumentedPortAndComesFromEnv()
    {
        var exposed = template.CreateOptions["ExposedPorts"]!.AsObject().Select(p => p.Key).ToList();

        Assert.Equal([$"{EdgeSensorModule.Configuration.MetricsOptions.DocumentedPort}/tcp"], exposed);
        Assert.Equal("$METRICS_PORT", template.Environment["Metrics__Port"]);
        Assert.Contains(EnvFile.Declared()["METRICS_PORT"], new[] { "0", $"{EdgeSensorModule.Configuration.MetricsOptions.DocumentedPort}" });
    }

    [Fact]
    public void ModuleImage_Placeholder_NamesTheModuleOfModuleJson()
    {
        var image = template.Module["settings"]!["image"]!.GetValue<string>();

        Assert.Equal("${MODULES." + DeploymentTemplate.ModuleName + "}", image);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "modules", DeploymentTemplate.ModuleName, "module.json")),
            "the tooling resolves ${MODULES.X} from modules/X/module.json");
    }

    [Fact]
    public void Routes_LeafDeviceTelemetry_GoesUpstream()
    {
        Assert.Contains("FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream", template.Routes.Values);
    }

    [Fact]
    public void Routes_EverySourceAndSink_IsRealInThisManifest()
    {
        foreach (var (name, route) in template.Routes)
        {
            var match = RouteSyntax().Match(route);
            Assert.True(match.Success, $"route {name} is not FROM <source> [WHERE <condition>] INTO <sink>: {route}");
            var source = match.Groups["source"].Value;
            var sink = match.Groups["sink"].Value;
            if (ModuleOutput().Match(source) is { Success: true } output)
            {
                // The module sends as a downstream device, not from module outputs: no route may wait for one.
                Assert.NotEqual(DeploymentTemplate.ModuleName, output.Groups["module"].Value);
                Assert.Contains(output.Groups["module"].Value, template.Modules.Select(m => m.Key));
            }
            else
            {
                Assert.Equal("/messages/*", source);
            }

            if (ModuleInput().Match(sink) is { Success: true } input)
            {
                Assert.Contains(input.Groups["module"].Value, template.Modules.Select(m => m.Key));
            }
            else
            {
                Assert.Equal("$upstream", sink);
            }
        }
    }

    [GeneratedRegex(@"^FROM (?<source>\S+)( WHERE .+)? INTO (?<sink>\S+)$")]
    private static partial Regex RouteSyntax();

    [GeneratedRegex(@"^/messages/modules/(?<module>[^/]+)/outputs/[^/]+$")]
    private static partial Regex ModuleOutput();

    [GeneratedRegex(@"^BrokeredEndpoint\(""/modules/(?<module>[^/]+)/inputs/[^/]+""\)$")]
    private static partial Regex ModuleInput();
}
