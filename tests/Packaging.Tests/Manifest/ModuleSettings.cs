using System.Reflection;
using EdgeSensorModule.Configuration;

namespace Packaging.Tests.Manifest;

/// <summary>
/// The environment variable names the module reads, derived from its options classes: every public property with a
/// setter (public for the binder, internal for the durations and choices the module parses itself, see SettingReader)
/// of a class in <c>EdgeSensorModule.Configuration</c> that declares a <c>Section</c> constant, as <c>Section__Property</c>.
/// Derived rather than listed, so a setting added to the module is known here at once.
/// </summary>
internal static class ModuleSettings
{
    /// <summary>Every setting name, e.g. <c>Device__CertificatePath</c>.</summary>
    public static IReadOnlySet<string> EnvironmentNames { get; } = Discover();

    static HashSet<string> Discover()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in typeof(DeviceOptions).Assembly.GetTypes().Where(t => t.Namespace == typeof(DeviceOptions).Namespace))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } field
                || field.GetRawConstantValue() is not string section)
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
            {
                names.Add($"{section}__{property.Name}");
            }
        }

        return names;
    }
}
