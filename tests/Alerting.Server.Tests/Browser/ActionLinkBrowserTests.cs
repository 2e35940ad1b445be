using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerting.Browser;

/// <summary>
/// The action links of a real DingTalk message, followed in a real Chromium: a link only asks, the button on the
/// page acts, a changed link is refused, and the pages work without JavaScript and on a phone.
/// </summary>
public sealed class ActionLinkBrowserTests
{
    [RequiresToolFact("chromium")]
    public async Task Silence_and_acknowledge_links_from_a_DingTalk_message_ask_first_then_act()
    {
        await using var message = await DingTalkMessage.ReceiveAsync();
        await using var chromium = await Chromium.LaunchAsync(phone: true);
        var page = chromium.Page;

        // Opening the link (as a chat app's preview would) only shows what the button will do.
        var opened = await page.GotoAsync(message.Silence1h);
        Assert.Equal(200, opened!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Silence this group for 1 h");
        await Expect(page.Locator("body")).ToContainTextAsync("alertname=DiskFull");
        await Expect(page.Locator("body")).ToContainTextAsync("cluster=eu1");
        await Expect(page.Locator("main").GetByRole(AriaRole.Button)).ToHaveTextAsync("Silence");
        Assert.Empty(await message.SilencesAsync());
        await Screenshots.SaveAsync(page, "action-confirm.png");

        await page.GetByLabel("Your name (optional)").FillAsync("Mei Chen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Silence" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Silenced");
        await Expect(page.Locator("body")).ToContainTextAsync("Silenced for 1 h by Mei Chen.");
        await Screenshots.SaveAsync(page, "action-result.png");

        var silence = Assert.Single(await message.SilencesAsync())!;
        Assert.Equal("Mei Chen", (string)silence["createdBy"]!);
        Assert.Equal("active", (string)silence["status"]!["state"]!);
        Assert.Equal(
            ["alertname=DiskFull", "cluster=eu1"],
            silence["matchers"]!.AsArray().Select(m => $"{m!["name"]}={m["value"]}").Order(StringComparer.Ordinal));
        var length = Time(silence["endsAt"]) - Time(silence["startsAt"]);
        Assert.InRange(length, TimeSpan.FromHours(1) - TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));

        // The acknowledge link, from the same message.
        await page.GotoAsync(message.Acknowledge);
        await Expect(page.Locator("h1")).ToContainTextAsync("Acknowledge this group");
        await page.GetByLabel("Your name (optional)").FillAsync("Mei Chen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Acknowledged");
        await Expect(page.Locator("body")).ToContainTextAsync("Acknowledged by Mei Chen.");

        // The view link shows who acknowledged, the silence, and both in the group's history.
        await page.GotoAsync(message.View);
        await Expect(page.Locator(".ack")).ToContainTextAsync("Acknowledged by Mei Chen");
        await Expect(page.Locator("ul.alerts li")).ToContainTextAsync("DiskFull");
        await Expect(page.Locator("body")).ToContainTextAsync("Disk /var/lib/postgresql/data is 97% full on db-1");
        await Expect(page.Locator("body")).ToContainTextAsync("by Mei Chen: Silenced from a notification link");
        await Expect(page.Locator("ul.history")).ToContainTextAsync("acknowledged by Mei Chen");
        await Expect(page.Locator("ul.history")).ToContainTextAsync("silenced by Mei Chen for 1 h");
        await Screenshots.SaveAsync(page, "action-view.png");

        var history = await message.Host.GetObjectAsync($"api/v2/history/groups?groupKey={Uri.EscapeDataString(await message.GroupKeyAsync())}");
        Assert.Contains(history["events"]!.AsArray(), e => (string)e!["event"]! == "acknowledged" && ((string?)e["detail"] ?? "").Contains("Mei Chen", StringComparison.Ordinal));
    }

    [RequiresToolFact("chromium")]
    public async Task A_changed_link_shows_a_clear_error_page_and_acts_on_nothing()
    {
        await using var message = await DingTalkMessage.ReceiveAsync();
        await using var chromium = await Chromium.LaunchAsync(phone: true);
        var page = chromium.Page;

        // Someone stretches the silence from 1 hour to 1,000 days by editing the link's payload.
        var tampered = WithPayload(message.Silence1h, json => json.Replace("\"d\":3600", "\"d\":86400000", StringComparison.Ordinal));
        Assert.NotEqual(message.Silence1h, tampered);
        var response = await page.GotoAsync(tampered);
        Assert.Equal(400, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Link not valid");
        await Expect(page.Locator(".error")).ToContainTextAsync("its signature does not match");
        Assert.Equal(0, await page.Locator("main form").CountAsync());
        await Screenshots.SaveAsync(page, "action-invalid.png");

        // The POST behind the button is refused too, and a link cut short in a chat message reads as incomplete.
        var posted = await message.Host.Client.PostAsync(new Uri(tampered).PathAndQuery.TrimStart('/'), new FormUrlEncodedContent([new("name", "x")]));
        Assert.Equal(400, (int)posted.StatusCode);
        var cut = message.Acknowledge[..message.Acknowledge.LastIndexOf('.')];
        Assert.Equal(400, (await page.GotoAsync(cut))!.Status);
        await Expect(page.Locator(".error")).ToContainTextAsync("incomplete or was changed");

        Assert.Empty(await message.SilencesAsync());
        Assert.Equal(0L, await message.Host.CountAsync("aggregation_groups WHERE acknowledged_at IS NOT NULL"));
    }

    [RequiresToolFact("chromium")]
    public async Task The_pages_work_with_JavaScript_disabled()
    {
        await using var message = await DingTalkMessage.ReceiveAsync();
        await using var chromium = await Chromium.LaunchAsync(javaScript: false);
        var page = chromium.Page;

        await page.GotoAsync(message.Silence24h);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Silence this group for 24 h");
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync()); // no inline script the page would depend on
        await page.GetByLabel("Your name (optional)").FillAsync("值班 (on call)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Silence" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Silenced");

        var silence = Assert.Single(await message.SilencesAsync())!;
        Assert.Equal("值班 (on call)", (string)silence["createdBy"]!); // the form posts UTF-8
        Assert.InRange(Time(silence["endsAt"]) - Time(silence["startsAt"]), TimeSpan.FromHours(24) - TimeSpan.FromSeconds(5), TimeSpan.FromHours(24));

        await page.GotoAsync(message.Acknowledge);
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync(); // no name given
        await Expect(page.Locator("h1")).ToHaveTextAsync("Acknowledged");
        Assert.Equal("someone via a notification link", await message.Host.ScalarAsync<string>("SELECT acknowledged_by FROM aggregation_groups"));

        // A second click on a used link changes nothing and says so.
        await page.GotoAsync(message.Silence24h);
        await page.GetByRole(AriaRole.Button, new() { Name = "Silence" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Already done");
        Assert.Single(await message.SilencesAsync());

        await page.GotoAsync(message.View);
        await Expect(page.Locator(".ack")).ToContainTextAsync("Acknowledged by someone via a notification link");
    }

    [RequiresToolFact("chromium")]
    public async Task Every_page_fits_a_phone_screen_without_scrolling_sideways()
    {
        await using var message = await DingTalkMessage.ReceiveAsync();
        await using var chromium = await Chromium.LaunchAsync(phone: true);
        var page = chromium.Page;

        async Task Fits(string what)
        {
            var width = await Chromium.ScrollWidthAsync(page);
            Assert.True(width <= Chromium.PhoneWidth, $"{what}: laid out {width}px wide on a {Chromium.PhoneWidth}px screen; too wide: {await Chromium.TooWideAsync(page)}");
            var font = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontSize");
            Assert.True(double.Parse(font.Replace("px", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) >= 16, $"{what}: body text is {font}");
        }

        await page.GotoAsync(message.Silence1h);
        await Fits("silence confirmation");
        var button = await page.Locator("main").GetByRole(AriaRole.Button).BoundingBoxAsync();
        Assert.True(button!.Height >= 40, $"the button is {button.Height}px high: too small to tap");
        await page.Locator("main").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Silenced");
        await Fits("silence result");

        await page.GotoAsync(message.Acknowledge);
        await Fits("acknowledge confirmation");
        await page.Locator("main").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Acknowledged");
        await Fits("acknowledge result");

        await page.GotoAsync(message.View);
        await Expect(page.Locator(".ack")).ToBeVisibleAsync();
        await Fits("view");

        await page.GotoAsync(message.Silence1h);
        await page.Locator("main").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Already done");
        await Fits("already used");

        await page.GotoAsync(WithPayload(message.View, json => json.Replace("\"a\":\"view\"", "\"a\":\"ack\"", StringComparison.Ordinal)));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Link not valid");
        await Fits("invalid link");
    }

    /// <summary>The link with its signed payload (<c>/action/PAYLOAD.SIGNATURE</c>) rewritten and the signature kept.</summary>
    private static string WithPayload(string link, Func<string, string> edit)
    {
        var slash = link.LastIndexOf('/');
        var dot = link.LastIndexOf('.');
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(link.AsSpan(slash + 1, dot - slash - 1)));
        var changed = edit(json);
        Assert.NotEqual(json, changed);
        return link[..(slash + 1)] + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(changed)) + link[dot..];
    }

    private static DateTimeOffset Time(JsonNode? node) => DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture);
}
