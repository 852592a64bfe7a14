using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using TestInfrastructure;
using Xunit.Sdk;

namespace HubSimulator.Tests.Dashboard;

/// <summary>
/// One browser page on the simulator's dashboard, and module processes sending to it. A failing step leaves a
/// screenshot under the test output, named in the failure message.
/// </summary>
public sealed class DashboardSession : IAsyncDisposable
{
    /// <summary>How long the page may take to show what the test waits for.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    readonly SimulatorFixture hub;
    readonly IBrowserContext context;
    readonly List<ModuleProcess> modules = [];

    DashboardSession(SimulatorFixture hub, IBrowserContext context, IPage page)
    {
        this.hub = hub;
        this.context = context;
        Page = page;
    }

    /// <summary>The page.</summary>
    public IPage Page { get; }

    /// <summary>Opens the dashboard and waits for its live feed.</summary>
    public static async Task<DashboardSession> OpenAsync(BrowserFixture browser, SimulatorFixture hub, int width = 1280, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(hub);
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        await page.GotoAsync(hub.AdminUri.ToString());
        await Assertions.Expect(page.Locator("#feed-state")).ToHaveAttributeAsync("data-state", "live");
        return new DashboardSession(hub, context, page);
    }

    /// <summary>Starts the module process for a new CA-signed device, one fake reading every 300 ms.</summary>
    public ModuleProcess StartModule(string deviceId, double alertThreshold)
    {
        var device = hub.CaSignedDevice(deviceId);
        var environment = ModuleEnvironment.ForPfx(hub.Pki, device, deviceId, hub.MqttPort, count: 0);
        environment["Telemetry__Interval"] = "00:00:00.300";
        environment["Alert__TemperatureThreshold"] = alertThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var module = ModuleProcess.Start(ModuleEnvironment.Assembly, environment);
        modules.Add(module);
        return module;
    }

    /// <summary>Clicks the device in the list and waits for its panel.</summary>
    public async Task SelectDeviceAsync(string deviceId)
    {
        await Page.Locator($"#devices tr[data-device='{deviceId}']").ClickAsync();
        await Assertions.Expect(Page.Locator("#device-title")).ToContainTextAsync(deviceId);
    }

    /// <summary>The plot's current point count.</summary>
    public async Task<int> PlotPointsAsync() => int.Parse(await Page.Locator("#plot").GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Waits until the plot has more than <paramref name="count"/> points.</summary>
    public Task WaitForPlotPointsAsync(int count) =>
        Page.WaitForFunctionAsync("n => Number(document.getElementById('plot').dataset.points) > n", count);

    /// <summary>Runs the test's steps; on failure saves a screenshot and names it in the failure.</summary>
    public async Task RunAsync(Func<Task> steps, [CallerMemberName] string test = "")
    {
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps();
        }
        catch (Exception ex) when (ex is not XunitException || !ex.Message.Contains("Screenshot:", StringComparison.Ordinal))
        {
            Directory.CreateDirectory(BrowserFixture.ScreenshotFolder);
            var path = Path.Combine(BrowserFixture.ScreenshotFolder, $"{test}.png");
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            throw new XunitException($"{ex.GetType().Name}: {ex.Message}\nScreenshot: {path}\n{ex.StackTrace}");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var module in modules)
        {
            await module.DisposeAsync();
        }

        await context.DisposeAsync();
    }
}
