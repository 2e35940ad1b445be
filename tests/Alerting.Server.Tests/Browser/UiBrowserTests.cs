using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerting.Browser;

/// <summary>
/// The operators' UI in a real Chromium against a real instance and PostgreSQL: the flows the on-call person
/// uses, with and without JavaScript, on a phone, in both languages, and with authentication on.
/// </summary>
public sealed class UiBrowserTests
{
    private static ILocator Article(IPage page, string alertname) =>
        page.Locator("article.alert").Filter(new() { Has = page.Locator("h3 a", new() { HasTextString = alertname }) }).First;

    [RequiresToolFact("chromium")]
    public async Task Silence_an_alert_from_the_alerts_page_and_watch_it_become_suppressed()
    {
        await using var scene = await UiScene.StartAsync();
        var (host, page) = (scene.Host, scene.Page);

        await page.GotoAsync(host.BaseAddress.ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Alerts");
        var diskFull = Article(page, "DiskFull");
        await Expect(diskFull.Locator(".state").First).ToHaveTextAsync("firing");
        await Expect(Article(page, "ReplicationLag").Locator(".why")).ToContainTextAsync("Inhibited by");
        await Screenshots.SaveAsync(page, "ui-alerts.png");

        await diskFull.GetByRole(AriaRole.Link, new() { Name = "Silence like this" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("New silence");
        await Expect(page.GetByLabel("Matchers")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("alertname=\"DiskFull\""));
        await Expect(page.Locator("#preview")).ToContainTextAsync("This silence would mute 1 active alert.");

        // The preview follows the matchers as they are typed (JavaScript), before anything is saved.
        await page.GetByLabel("Matchers").FillAsync("team=\"db\"");
        await Expect(page.Locator("#preview")).ToContainTextAsync("This silence would mute 2 active alerts.");
        await page.GetByLabel("Matchers").FillAsync("alertname=\"DiskFull\", cluster=\"eu1\"");
        await Expect(page.Locator("#preview")).ToContainTextAsync("This silence would mute 1 active alert.");
        Assert.Empty(await host.GetArrayAsync("api/v2/silences"));

        // Author and comment are required.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create silence" }).ClickAsync();
        await Expect(page.Locator(".notice.error")).ToContainTextAsync("Say who you are.");
        await page.GetByLabel("4h").CheckAsync();
        await page.GetByLabel("Created by").FillAsync("Mei Chen");
        await page.GetByLabel("Comment").FillAsync("Moving the WAL archive to the new volume");
        await Screenshots.SaveAsync(page, "ui-silence-edit.png");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create silence" }).ClickAsync();
        await Expect(page.Locator(".notice")).ToContainTextAsync("Silence saved.");

        var silence = Assert.Single(await host.GetArrayAsync("api/v2/silences"))!;
        Assert.Equal("Mei Chen", (string)silence["createdBy"]!);
        var length = DateTimeOffset.Parse((string)silence["endsAt"]!, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.Parse((string)silence["startsAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(length.TotalHours, 3.99, 4.01);

        await page.GetByRole(AriaRole.Link, new() { Name = "Alerts", Exact = true }).ClickAsync();
        diskFull = Article(page, "DiskFull");
        await Expect(diskFull.Locator(".state").First).ToHaveTextAsync("suppressed");
        await Expect(diskFull.Locator(".why")).ToContainTextAsync("Silenced by");
        await Expect(diskFull.Locator(".why")).ToContainTextAsync("Mei Chen");

        // The author is remembered for the next silence.
        await page.GotoAsync(host.BaseAddress + "silences/new");
        await Expect(page.GetByLabel("Created by")).ToHaveValueAsync("Mei Chen");
    }

    [RequiresToolFact("chromium")]
    public async Task A_filter_lives_in_the_address_so_the_view_can_be_shared()
    {
        await using var scene = await UiScene.StartAsync(javaScript: false);
        var (host, page) = (scene.Host, scene.Page);

        await page.GotoAsync(host.BaseAddress.ToString());
        await Expect(page.Locator("article.alert")).ToHaveCountAsync(5); // DiskFull is in two groups: db-pager and db-team
        await page.GetByLabel("Filter (matchers)").FillAsync("severity=~\"critical|warning\", team=~\"db|web\"");
        await page.GetByLabel("Receiver").SelectOptionAsync("db-team");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        Assert.Contains("filter=", page.Url);
        Assert.Contains("receiver=db-team", page.Url);
        await Expect(page.Locator("article.alert")).ToHaveCountAsync(2);
        Assert.Equal(["DiskFull", "ReplicationLag"], (await page.Locator("article.alert h3 a").AllInnerTextsAsync()).Order(StringComparer.Ordinal));

        // Someone else opens the shared address: same view.
        var shared = page.Url;
        await using var other = await Chromium.LaunchAsync();
        await other.Page.GotoAsync(shared);
        await Expect(other.Page.Locator("article.alert")).ToHaveCountAsync(2);
        Assert.Equal(["DiskFull", "ReplicationLag"], (await other.Page.Locator("article.alert h3 a").AllInnerTextsAsync()).Order(StringComparer.Ordinal));
        await Expect(other.Page.GetByLabel("Filter (matchers)")).ToHaveValueAsync("severity=~\"critical|warning\", team=~\"db|web\"");

        // A state filter: only what is suppressed.
        await other.Page.GotoAsync(host.BaseAddress + "?state=suppressed");
        await Expect(other.Page.Locator("article.alert h3 a")).ToHaveTextAsync(["ReplicationLag"]);

        // A broken filter says what is wrong.
        await page.GotoAsync(host.BaseAddress + "?filter=" + Uri.EscapeDataString("severity=\"critical"));
        await Expect(page.Locator(".notice.error")).ToContainTextAsync("The filter is not valid");
    }

    [RequiresToolFact("chromium")]
    public async Task The_acknowledge_link_of_a_DingTalk_message_shows_on_the_alerts_page_and_in_the_alert_history()
    {
        await using var message = await DingTalkMessage.ReceiveAsync();
        await using var chromium = await Chromium.LaunchAsync(phone: true);
        var page = chromium.Page;

        await page.GotoAsync(message.Acknowledge);
        await page.GetByLabel("Your name (optional)").FillAsync("Li Wei");
        await page.Locator("main").GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Acknowledged");

        await page.GotoAsync(message.Host.BaseAddress.ToString());
        var article = Article(page, "DiskFull");
        await Expect(article.Locator(".state.acknowledged")).ToContainTextAsync("acknowledged by Li Wei");
        await article.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await Expect(page.Locator("ol.timeline")).ToContainTextAsync("by Li Wei");
        await Expect(page.Locator("ol.timeline")).ToContainTextAsync("success to oncall / dingtalk[0]");
        await Screenshots.SaveAsync(page, "ui-alert-phone.png");
    }

    [RequiresToolFact("chromium")]
    public async Task The_route_tester_shows_routes_receivers_group_timers_and_inhibition()
    {
        await using var scene = await UiScene.StartAsync();
        var (host, page) = (scene.Host, scene.Page);

        await page.GotoAsync(host.BaseAddress + "routing");
        await Expect(page.Locator("ul.tree .route")).ToHaveCountAsync(4);
        await page.GetByLabel("Test labels").FillAsync("alertname=\"DiskFull\", team=\"db\", severity=\"critical\", cluster=\"eu1\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test" }).ClickAsync();
        await Expect(page.Locator(".receivers")).ToHaveTextAsync("db-pager, db-team");
        await Expect(page.Locator(".group-key").First).ToContainTextAsync("alertname=\"DiskFull\"");
        await Expect(page.Locator(".group-key").First).ToContainTextAsync("cluster=\"eu1\"");
        await Expect(page.Locator("ul.tree .route.matched")).ToHaveCountAsync(2); // the two routes that take it
        await Expect(page.Locator("ul.tree .route.on-path")).ToHaveCountAsync(1); // the root, passed through
        await Expect(page.Locator(".inhibitions")).ToContainTextAsync("No inhibit rule targets these labels.");
        await Screenshots.SaveAsync(page, "ui-routing.png");

        // A warning in the same cluster is inhibited by the firing DiskFull; the web route names its mute interval.
        await page.GetByLabel("Test labels").FillAsync("alertname=\"Lag\", team=\"web\", severity=\"warning\", cluster=\"eu1\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test" }).ClickAsync();
        await Expect(page.Locator(".receivers")).ToHaveTextAsync("web-team");
        await Expect(page.Locator(".inhibitions")).ToContainTextAsync("Inhibited now by");
        await Expect(page.Locator(".route-result")).ToContainTextAsync("mute weekends: not in effect now");
    }

    [RequiresToolFact("chromium")]
    public async Task On_a_Saturday_the_weekend_mute_holds_back_the_web_team_and_the_route_tester_says_so()
    {
        await using var scene = await UiScene.StartAsync(pinned: PinnedClock.Saturday);
        var (host, page) = (scene.Host, scene.Page);

        // The web team's group was flushed and muted: nothing reached /web, while db-team and ops were told.
        await Eventually.EqualAsync(true, async () => await host.CountAsync("alert_events WHERE detail = 'muted by time interval weekends'") == 1, TimeSpan.FromSeconds(20));
        Assert.Empty(scene.Ok.Delivered("/web"));
        Assert.Single(scene.Ok.Delivered("/db"));
        Assert.Single(scene.Ok.Delivered("/ops"));

        var fingerprint = (string)(await host.GetArrayAsync("api/v2/alerts")).Single(a => (string)a!["labels"]!["alertname"]! == "HighLatency")!["fingerprint"]!;
        await page.GotoAsync(host.BaseAddress + $"alerts/{fingerprint}");
        await Expect(page.Locator("ol.timeline")).ToContainTextAsync("muted by time interval weekends");

        await page.GotoAsync(host.BaseAddress + "routing?labels=" + Uri.EscapeDataString("alertname=\"HighLatency\", team=\"web\""));
        await Expect(page.Locator(".route-result")).ToContainTextAsync("mute weekends: in effect now");
    }

    [RequiresToolFact("chromium")]
    public async Task Expire_a_silence()
    {
        await using var scene = await UiScene.StartAsync();
        var (host, page) = (scene.Host, scene.Page);
        var created = await host.PostJsonAsync("api/v2/silences", """
            {"matchers":[{"name":"team","value":"web","isRegex":false,"isEqual":true}],"startsAt":"2020-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"Ana","comment":"checkout migration"}
            """);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["silenceID"]!;

        await page.GotoAsync(host.BaseAddress + "silences");
        await Expect(page.Locator("table.silences-active tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table.silences-active")).ToContainTextAsync("mutes 1 alert");
        await Screenshots.SaveAsync(page, "ui-silences.png");
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync(); // "Expire this silence now?"
        await page.GetByRole(AriaRole.Button, new() { Name = "Expire silence {team=\"web\"}" }).ClickAsync();
        await Expect(page.Locator(".notice")).ToHaveTextAsync("Silence expired.");
        await Expect(page.Locator("table.silences-active")).ToHaveCountAsync(0);
        await Expect(page.Locator("table.silences-expired")).ToContainTextAsync("checkout migration");
        Assert.Equal("expired", (string)(await host.GetObjectAsync($"api/v2/silence/{id}"))["status"]!["state"]!);
    }

    [RequiresToolFact("chromium")]
    public async Task Switch_language_and_theme()
    {
        await using var scene = await UiScene.StartAsync();
        var (host, page) = (scene.Host, scene.Page);

        await page.GotoAsync(host.BaseAddress + "?filter=" + Uri.EscapeDataString("team=\"db\""));
        await page.GetByRole(AriaRole.Button, new() { Name = "切换到中文" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("告警");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        Assert.Contains("filter=", page.Url); // the view stays as it was
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "静默", Exact = true })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "ui-alerts-zh.png");

        await page.GetByRole(AriaRole.Button, new() { Name = "深色主题" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(18, 20, 22)", background);

        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to English" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Alerts");
        await Screenshots.SaveAsync(page, "ui-alerts-dark.png");
    }

    [RequiresToolFact("chromium")]
    public async Task Log_in_when_authentication_is_on()
    {
        await using var scene = await UiScene.StartAsync("""

            server:
              auth:
                read:
                  bearer_tokens: [reader-token]
                write:
                  basic:
                    - username: oncall
                      password: s3cret-pass
            """, basicAuth: "oncall:s3cret-pass");
        var (host, page) = (scene.Host, scene.Page);

        await page.GotoAsync(host.BaseAddress + "silences");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Log in");
        await Screenshots.SaveAsync(page, "ui-login.png");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync("oncall");
        await page.GetByLabel("Password").FillAsync("wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await Expect(page.Locator(".notice.error")).ToHaveTextAsync("Those credentials are not accepted.");

        await page.GetByLabel("Username", new() { Exact = true }).FillAsync("oncall");
        await page.GetByLabel("Password").FillAsync("s3cret-pass");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Silences");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "New silence" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await page.GotoAsync(host.BaseAddress + "silences");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Log in");
    }

    [RequiresToolFact("chromium")]
    public async Task The_alert_list_updates_itself_and_every_page_has_its_screenshot()
    {
        await using var scene = await UiScene.StartAsync();
        var (host, page) = (scene.Host, scene.Page);

        await page.GotoAsync(host.BaseAddress.ToString());
        await page.EvaluateAsync("() => window.notReloaded = true");
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"QueueBacklog","team":"platform","cluster":"us1"}}]""");
        await Expect(Article(page, "QueueBacklog")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true")); // updated in place

        var fingerprint = (string)(await host.GetArrayAsync("api/v2/alerts")).Single(a => (string)a!["labels"]!["alertname"]! == "DiskFull")!["fingerprint"]!;
        await page.GotoAsync(host.BaseAddress + $"alerts/{fingerprint}");
        await Expect(page.Locator("ol.timeline")).ToContainTextAsync("received");
        await Screenshots.SaveAsync(page, "ui-alert.png");

        await Eventually.EqualAsync(true, async () => await host.CountAsync("notification_attempts WHERE outcome <> 'success'") > 0, TimeSpan.FromSeconds(20));
        await page.GotoAsync(host.BaseAddress + "notifications");
        await Expect(page.Locator("table.failures")).ToContainTextAsync("db-pager");
        await Expect(page.Locator("table.destinations")).ToContainTextAsync("failing");
        await Screenshots.SaveAsync(page, "ui-notifications.png");

        await page.GotoAsync(host.BaseAddress + "status");
        await Expect(page.Locator("table.instances tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("pre.config")).ToContainTextAsync("db-pager");
        await Screenshots.SaveAsync(page, "ui-status.png");
    }

    [RequiresToolFact("chromium")]
    public async Task Every_page_fits_a_phone_works_with_the_keyboard_and_names_its_controls()
    {
        await using var scene = await UiScene.StartAsync(phone: true);
        var (host, page) = (scene.Host, scene.Page);
        var fingerprint = (string)(await host.GetArrayAsync("api/v2/alerts")).First()!["fingerprint"]!;

        foreach (var path in new[] { "", $"alerts/{fingerprint}", "silences", "silences/new?matchers=team%3D%22db%22", "notifications", "insights", "routing?labels=team%3D%22db%22", "status", "login" })
        {
            var response = await page.GotoAsync(host.BaseAddress + path);
            Assert.Equal(200, response!.Status);
            var width = await Chromium.ScrollWidthAsync(page);
            Assert.True(width <= Chromium.PhoneWidth, $"/{path} is {width}px wide on a {Chromium.PhoneWidth}px phone: {await Chromium.TooWideAsync(page)}");
            var unnamed = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')]
                  .filter(e => e.offsetParent !== null)
                  .filter(e => !(e.labels?.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
                  .map(e => e.outerHTML.slice(0, 120))
                """);
            Assert.True(unnamed.Length == 0, $"/{path}: controls without an accessible name: {string.Join("; ", unnamed)}");
            if (path == "")
            {
                await Screenshots.SaveAsync(page, "ui-alerts-phone.png");
            }
        }

        // The first Tab reaches the skip link; Enter jumps to the content.
        await page.GotoAsync(host.BaseAddress.ToString());
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        Assert.EndsWith("#main", page.Url);
    }
}
