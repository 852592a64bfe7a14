using System.Text.Json.Nodes;
using IotHub.Certificates;
using IotHub.Protocol;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using TestInfrastructure;

namespace HubSimulator.Tests.Dashboard;

/// <summary>The dashboard in Debian's chromium against the running simulator, with the module process sending.</summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class DashboardTests(SimulatorFixture hub, BrowserFixture browser) : IClassFixture<SimulatorFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Plot_ModuleSending_GainsPointsAsReadingsArrive()
    {
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        await dashboard.RunAsync(async () =>
        {
            dashboard.StartModule("plot-device", alertThreshold: 1000);
            await dashboard.SelectDeviceAsync("plot-device");

            await dashboard.WaitForPlotPointsAsync(1);
            var before = await dashboard.PlotPointsAsync();
            await dashboard.WaitForPlotPointsAsync(before + 2);

            await Expect(dashboard.Page.Locator("#plot .line.temp")).ToHaveCountAsync(1);
            await Expect(dashboard.Page.Locator("#plot .alert-point")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Plot_ReadingsFlaggedByTheModule_AreMarkedAsAlerts()
    {
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        await dashboard.RunAsync(async () =>
        {
            dashboard.StartModule("alert-device", alertThreshold: -100);
            await dashboard.SelectDeviceAsync("alert-device");

            await dashboard.WaitForPlotPointsAsync(2);

            var alertPoints = dashboard.Page.Locator("#plot .alert-point");
            await Expect(alertPoints.First).ToBeVisibleAsync();
            await Expect(dashboard.Page.Locator("#messages tr.alert").First).ToContainTextAsync("temperatureAlert=true");
        });
    }

    [Fact]
    public async Task TwinEditor_DesiredPatch_ReachesTheDeviceAndShowsTheHubsAnswer()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "twin-page-device");
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        await dashboard.RunAsync(async () =>
        {
            var page = dashboard.Page;
            await dashboard.SelectDeviceAsync("twin-page-device");

            await page.Locator("#twin-patch").FillAsync("""{"alertThreshold": 21.5}""");
            await page.Locator("#twin-send").ClickAsync();

            await Expect(page.Locator("#twin-answer")).ToHaveAttributeAsync("data-status", "200");
            await Expect(page.Locator("#twin-answer")).ToContainTextAsync("desired $version 2");
            await Expect(page.Locator("#twin-view")).ToContainTextAsync("\"alertThreshold\": 21.5");
            var pushed = await device.NextAsync(MqttTopics.TwinDesiredPatchPrefix, DashboardSession.Patience);
            Assert.Equal(21.5, (double?)JsonNode.Parse(pushed.Payload)!["alertThreshold"]);
        });
    }

    [Fact]
    public async Task TwinEditor_DesiredAlertThreshold_MovesThePlotsThresholdLine()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "threshold-page-device");
        await device.PublishAsync($"devices/threshold-page-device/messages/events/{TelemetryProperties("false")}",
            """{"deviceId":"threshold-page-device","messageId":0,"temperature":22.5,"humidity":40,"timestamp":"2026-12-01T08:00:00+00:00"}""");
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        await dashboard.RunAsync(async () =>
        {
            var page = dashboard.Page;
            await dashboard.SelectDeviceAsync("threshold-page-device");
            await Expect(page.Locator("#plot .threshold-label")).ToContainTextAsync("30 °C (module default)");

            await page.Locator("#twin-patch").FillAsync("""{"alertThreshold": 24}""");
            await page.Locator("#twin-send").ClickAsync();

            await Expect(page.Locator("#plot .threshold-label")).ToContainTextAsync("24 °C (twin desired)");
        });
    }

    [Fact]
    public async Task MethodPanel_DeviceThatNeverAnswers_ShowsTheHubs504()
    {
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        // The module answers its methods now (getStatus, and 501 for unknown ones): a device subscribed to methods that
        // never answers is what makes the hub's 504.
        await using var silent = await TestDevice.ConnectAsync(hub, "silent-method-device");
        await dashboard.RunAsync(async () =>
        {
            var page = dashboard.Page;
            await dashboard.SelectDeviceAsync("silent-method-device");

            await page.Locator("#method-name").FillAsync("getStatus");
            await page.Locator("#method-timeout").FillAsync("1");
            await page.Locator("#method-invoke").ClickAsync();

            await Expect(page.Locator("#method-answer")).ToHaveAttributeAsync("data-status", "504");
            await Expect(page.Locator("#method-answer")).ToContainTextAsync("Hub answered 504 (the device did not answer in time)");
            await Expect(page.Locator("#method-answer")).ToHaveClassAsync("answer error");
        });
    }

    [Fact]
    public async Task MethodPanel_OfflineDevice_ShowsTheHubs404()
    {
        hub.Registry.AddDevice("offline-method-device", Registry.DeviceAuthentication.CaSigned);
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        await dashboard.RunAsync(async () =>
        {
            var page = dashboard.Page;
            await dashboard.SelectDeviceAsync("offline-method-device");

            await page.Locator("#method-invoke").ClickAsync();

            await Expect(page.Locator("#method-answer")).ToHaveAttributeAsync("data-status", "404");
            await Expect(page.Locator("#method-answer")).ToContainTextAsync("Hub answered 404 (the device is not connected)");
        });
    }

    [Fact]
    public async Task MethodPanel_DeviceThatAnswers_ShowsItsStatusAndPayload()
    {
        await using var device = await TestDevice.ConnectAsync(hub, "answering-device");
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        await dashboard.RunAsync(async () =>
        {
            var page = dashboard.Page;
            await dashboard.SelectDeviceAsync("answering-device");
            await page.Locator("#method-name").FillAsync("readNow");

            await page.Locator("#method-invoke").ClickAsync();
            var request = await device.NextAsync(MqttTopics.MethodRequestPrefix, DashboardSession.Patience);
            var rid = request.Topic[(request.Topic.IndexOf("$rid=", StringComparison.Ordinal) + 5)..];
            await device.PublishAsync(MqttTopics.MethodResponse(200, rid), """{"temperature":23.4}""");

            Assert.StartsWith("$iothub/methods/POST/readNow/", request.Topic, StringComparison.Ordinal);
            await Expect(page.Locator("#method-answer")).ToHaveAttributeAsync("data-status", "200");
            await Expect(page.Locator("#method-answer")).ToContainTextAsync("Device answered 200");
            await Expect(page.Locator("#method-answer")).ToContainTextAsync("\"temperature\": 23.4");
        });
    }

    [Fact]
    public async Task ProofOfPossession_ThreeStepsInThePage_VerifiesTheCa()
    {
        using var root = CertificateFactory.CreateRootCa("Dashboard PoP Root", new CertificateSpec(TimeSpan.FromDays(1), KeyType.EcdsaP256));
        await using var dashboard = await DashboardSession.OpenAsync(browser, hub);
        await dashboard.RunAsync(async () =>
        {
            var page = dashboard.Page;
            await page.Locator("#ca-name").FillAsync("page-root");
            await page.Locator("#ca-pem").FillAsync(CertificateExport.ToPem(root));
            await page.Locator("#ca-upload-form button").ClickAsync();
            await Expect(page.Locator("#ca-upload-answer")).ToContainTextAsync("Unverified");
            await Expect(page.Locator("#pop-ca")).ToHaveValueAsync("page-root");

            await page.Locator("#ca-code-form button").ClickAsync();
            await Expect(page.Locator("#ca-code-answer")).ToHaveAttributeAsync("data-status", "200");
            var code = (await page.Locator("#ca-code-answer").TextContentAsync())!.Trim();
            using var proof = CertificateFactory.CreateVerification(root, code);
            await page.Locator("#ca-proof").FillAsync(CertificateExport.ToPem(proof));
            await page.Locator("#ca-verify-form button").ClickAsync();

            await Expect(page.Locator("#ca-verify-answer")).ToContainTextAsync("'page-root' is Verified");
            await Expect(page.Locator("#cas tr[data-ca='page-root']")).ToContainTextAsync("Verified");
            Assert.Equal(Registry.CaStatus.Verified, hub.Registry.CertificateAuthorities().Single(c => c.Name == "page-root").Status);
        });
    }

    static string TelemetryProperties(string alert) => PropertyBag.Encode([new(SystemProperties.ContentType, "application/json"), new("temperatureAlert", alert)]);
}
