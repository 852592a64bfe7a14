using System.Reflection;
using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Configuration;

namespace Packaging.Tests.Manifest;

/// <summary>The manifest's env, filled from .env.template, binds to the module's options as the module binds them.</summary>
public sealed class ManifestBindingTests
{
    [Fact]
    public void ModuleEnv_WithEnvTemplateValues_BindsToEveryOptionsClassWithoutUnknownKeysOrBadValues()
    {
        var values = EnvFile.Declared();
        var environment = DeploymentTemplate.Load().Environment.ToDictionary(
            e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)EnvFile.Substitute(e.Value, values), StringComparer.Ordinal);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(environment).Build();
        var sections = typeof(DeviceOptions).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(DeviceOptions).Namespace)
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(s => s.Section is not null)
            .ToList();

        Assert.NotEmpty(sections);
        foreach (var (type, section) in sections)
        {
            var options = Activator.CreateInstance(type)!;
            configuration.GetSection(section!).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }

        Assert.All(configuration.GetChildren(), s => Assert.Contains(s.Key, sections.Select(x => x.Section)));
    }
}
