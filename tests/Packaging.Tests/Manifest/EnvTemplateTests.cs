namespace Packaging.Tests.Manifest;

/// <summary>.env.template declares every variable the IoT Edge tooling substitutes, and no more.</summary>
public sealed class EnvTemplateTests
{
    const string EnvTemplate = EnvFile.TemplateName;

    static readonly string[] SubstitutedFiles = [DeploymentTemplate.FileName, "modules/EdgeSensorModule/module.json"];

    [Fact]
    public void EnvTemplate_EveryVariableTheTemplatesUse_IsDeclared()
    {
        var declared = Declared().Keys.ToHashSet(StringComparer.Ordinal);

        var missing = Used().Where(v => !declared.Contains(v)).ToList();

        Assert.True(missing.Count == 0, $"{EnvTemplate} lacks {string.Join(", ", missing)}");
    }

    [Fact]
    public void EnvTemplate_EveryDeclaredVariable_IsUsed()
    {
        var used = Used().ToHashSet(StringComparer.Ordinal);

        var stale = Declared().Keys.Where(v => !used.Contains(v)).ToList();

        Assert.True(stale.Count == 0, $"{EnvTemplate} declares variables nothing uses: {string.Join(", ", stale)}");
    }

    [Fact]
    public void EnvTemplate_RegistryPassword_IsLeftEmptyAndTheFilledFileIsIgnored()
    {
        Assert.Equal("", Declared()["CONTAINER_REGISTRY_PASSWORD"]);
        Assert.Contains(".env", Repository.Read(".gitignore").Split('\n').Select(l => l.Trim()));
    }

    static IEnumerable<string> Used() => SubstitutedFiles
        .SelectMany(f => EnvFile.References(Repository.Read(f)))
        .Distinct(StringComparer.Ordinal);

    static Dictionary<string, string> Declared() => EnvFile.Declared();
}
