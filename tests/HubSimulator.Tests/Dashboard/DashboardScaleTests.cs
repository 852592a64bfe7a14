using System.Globalization;
using System.Text;
using HubSimulator.Messages;
using HubSimulator.Registry;
using IotHub.Protocol;
using static Microsoft.Playwright.Assertions;
using TestInfrastructure;

namespace HubSimulator.Tests.Dashboard;

/// <summary>The page with a fleet's worth of data and on a phone's width.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class DashboardScaleTests(SimulatorFixture hub, BrowserFixture browser) : IClassFixture<SimulatorFixture>, IClassFixture<BrowserFixture>
{
    const int Devices = 100;
    const int Rounds = 5;
    const int WatchedPerRound = 500;
    const int OthersPerRound = 1500;
    const int MaxPlotPoints = 1200;
    const int MaxTableRows = 100;

    [Fact]
    public async Task Page_HundredDevicesAndTenThousandMessages_KeepsThePlotAndTheTableBounded()
    {
        for (var i = 0; i < Devices; i++)
        {
            hub.Registry.AddDevice(DeviceId(i), DeviceAuthentication.CaSigned);
        }

        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        await dashboard.RunAsync(async () =>
        {
            var page = dashboard.Page;
            await page.Locator("#device-filter").FillAsync("fleet-");
            await dashboard.SelectDeviceAsync(DeviceId(0));
            var watchedCount = page.Locator($"#devices tr[data-device='{DeviceId(0)}'] td.num");
            for (var round = 1; round <= Rounds; round++)
            {
                for (var n = 0; n < WatchedPerRound; n++)
                {
                    hub.Telemetry.Add(Reading(DeviceId(0), n));
                }

                for (var n = 0; n < OthersPerRound; n++)
                {
                    hub.Telemetry.Add(Reading(DeviceId(1 + (n % (Devices - 1))), n));
                }

                await Expect(watchedCount).ToHaveTextAsync((round * WatchedPerRound).ToString(CultureInfo.InvariantCulture));
            }

            var points = await dashboard.PlotPointsAsync();
            Assert.InRange(points, MaxPlotPoints / 2, MaxPlotPoints);
            await Expect(page.Locator("#messages tbody tr")).ToHaveCountAsync(MaxTableRows);
            await Expect(page.Locator("#devices tbody tr")).ToHaveCountAsync(Devices);
        });
    }

    [Fact]
    public async Task Page_PhoneWidth_FitsWithoutSidewaysScrolling()
    {
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub, width: 390, height: 844);
        await dashboard.RunAsync(async () =>
        {
            var overflow = await dashboard.Page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");

            Assert.True(overflow <= 0, $"the page is {overflow} px wider than a 390 px phone screen");
            Assert.True((await dashboard.Page.Locator("#plot").BoundingBoxAsync())!.Width <= 390);
        });
    }

    static string DeviceId(int i) => $"fleet-{i:000}";

    static ReceivedMessage Reading(string deviceId, int n)
    {
        var topic = MqttTopics.DeviceTelemetryPrefix(deviceId) + PropertyBag.Encode([new(SystemProperties.MessageId, Guid.NewGuid().ToString("N")), new("temperatureAlert", n % 50 == 0 ? "true" : "false")]);
        var body = string.Create(CultureInfo.InvariantCulture,
            $$"""{"deviceId":"{{deviceId}}","messageId":{{n}},"temperature":{{20 + (n % 50) / 5.0}},"humidity":50,"timestamp":"2026-12-01T08:00:00+00:00"}""");
        return ReceivedMessage.Decode(deviceId, topic, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow);
    }
}
