using EdgeSensorModule.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeSensorModule.Tests.Configuration;

/// <summary>
/// Pins the configuration binder's wording that <see cref="BinderFailure"/> reads: a runtime update that rewords it
/// fails here instead of silently turning a one-line error into a stack trace.
/// </summary>
public class BinderFailureTests
{
    [Fact]
    public void From_BinderRefusingAWordForANumber_ReadsTheKeyValueAndType()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Alert:TemperatureThreshold", "hot")]).Build();
        using var provider = new ServiceCollection().AddModuleOptions(configuration).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<AlertOptions>>().Value);

        Assert.Equal(new BinderFailure("Alert:TemperatureThreshold", "hot", "System.Double"), BinderFailure.From(error));
    }
}
