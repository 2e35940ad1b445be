using Alerting.Infrastructure;
using Alerting.Ui;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerting.Browser;

/// <summary>
/// The insights page in a real Chromium, from a hand-built report (<see cref="InsightsSample"/>): the period links
/// without JavaScript, the charts as named images, both themes and languages, a phone, and nothing fetched from
/// anywhere but the service itself.
/// </summary>
public sealed class InsightsBrowserTests
{
    private static Task<string> FillAsync(IPage page, string selector) =>
        page.EvaluateAsync<string>("s => getComputedStyle(document.querySelector(s)).fill", selector);

    private static void OnlyFromTheService(AlertingTestHost host, List<string> requests) =>
        Assert.All(requests, url => Assert.StartsWith(host.BaseAddress.ToString(), url, StringComparison.Ordinal));

    [RequiresToolFact("chromium")]
    public async Task The_period_links_work_without_JavaScript_and_every_chart_is_a_named_image()
    {
        await using var host = await InsightsPageTests.StartAsync(InsightsSample.Reader());
        await using var chromium = await Chromium.LaunchAsync(javaScript: false);
        var page = chromium.Page;
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        await page.GotoAsync(host.BaseAddress.ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Insights", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Insights");
        await Expect(page.Locator("nav.periods a[aria-current=page]")).ToHaveTextAsync("Last 24 hours");

        await page.GetByRole(AriaRole.Link, new() { Name = "Last 7 days" }).ClickAsync();
        Assert.EndsWith("insights?period=7d", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("nav.periods a[aria-current=page]")).ToHaveTextAsync("Last 7 days");
        await Expect(page.Locator("svg.chart")).ToHaveCountAsync(7);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Noisiest alerts", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Noisiest groups", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Time to acknowledge", Exact = true })).ToHaveCountAsync(2);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Time to resolve", Exact = true })).ToHaveCountAsync(2);
        var channels = page.GetByRole(AriaRole.Img, new() { Name = "Notifications per channel and day", Exact = true });
        await Expect(channels).ToHaveAccessibleDescriptionAsync("Sends per day stacked by channel; beside each day, its failures and rate-limit deferrals.");
        // 8 days touched by the week: 15 sends by channel (one channel was quiet one day), 5 days with failures or deferrals.
        await Expect(channels.Locator("g.segment")).ToHaveCountAsync(20);
        await Expect(page.Locator("#chart-alerts g.row").Nth(2)).ToContainTextAsync("<img src=x onerror=alert(1)>"); // shown as text, not markup
        await Expect(page.Locator("img")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Last 30 days" }).ClickAsync();
        await Expect(page.Locator("nav.periods a[aria-current=page]")).ToHaveTextAsync("Last 30 days");
        await Expect(page.Locator(".period-range")).ToContainTextAsync("From 2026-11-04 10:30:00 UTC");
        OnlyFromTheService(host, requests);
    }

    [RequiresToolFact("chromium")]
    public async Task Both_themes_and_both_languages_read_and_the_page_fits_a_phone()
    {
        await using var host = await InsightsPageTests.StartAsync(InsightsSample.Reader());
        await using var chromium = await Chromium.LaunchAsync();
        var page = chromium.Page;
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        await page.GotoAsync(host.BaseAddress + "insights?period=7d");
        await Expect(page.Locator("#chart-alerts")).ToBeVisibleAsync();
        Assert.Equal("rgb(21, 88, 176)", await FillAsync(page, "#chart-alerts rect.bar")); // --accent, light
        Assert.Equal("rgb(27, 27, 27)", await FillAsync(page, "#chart-alerts text.label")); // --fg, light
        await Screenshots.SaveAsync(page, "ui-insights.png");

        await page.GetByRole(AriaRole.Button, new() { Name = "Dark theme" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.EndsWith("insights?period=7d", page.Url, StringComparison.Ordinal); // the view stays as it was
        Assert.Equal("rgb(138, 180, 248)", await FillAsync(page, "#chart-alerts rect.bar"));
        Assert.Equal("rgb(232, 234, 237)", await FillAsync(page, "#chart-alerts text.label"));
        Assert.Equal("rgb(255, 138, 128)", await FillAsync(page, "#chart-channels rect.failed")); // --firing, dark
        await Screenshots.SaveAsync(page, "ui-insights-dark.png");

        await page.GetByRole(AriaRole.Button, new() { Name = "Light theme" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "切换到中文" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("洞察");
        await Expect(page.Locator("nav.periods a[aria-current=page]")).ToHaveTextAsync("最近 7 天");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "最吵的告警", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#chart-channels text.legend").Last).ToHaveTextAsync("限流");
        await Screenshots.SaveAsync(page, "ui-insights-zh.png");
        OnlyFromTheService(host, requests);

        await using var phone = await Chromium.LaunchAsync(phone: true);
        await phone.Page.GotoAsync(host.BaseAddress + "insights?period=30d");
        await Expect(phone.Page.Locator("svg.chart")).ToHaveCountAsync(7);
        var width = await Chromium.ScrollWidthAsync(phone.Page);
        Assert.True(width <= Chromium.PhoneWidth, $"/insights is {width}px wide on a {Chromium.PhoneWidth}px phone: {await Chromium.TooWideAsync(phone.Page)}");
        await Screenshots.SaveAsync(phone.Page, "ui-insights-phone.png");
    }
}
