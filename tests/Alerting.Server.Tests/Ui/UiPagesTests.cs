using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Ui;

/// <summary>The UI over plain HTTP, as a browser without JavaScript sees it.</summary>
public sealed class UiPagesTests
{
    private const string AuthConfig = AlertingTestHost.AuthConfig;

    private const string Alerts = """
        [{"labels":{"alertname":"DiskFull","team":"db","severity":"critical","cluster":"eu1"},"annotations":{"summary":"Disk <b>97%</b> full","runbook_url":"https://runbooks.example.com/disk"},"generatorURL":"javascript:alert(1)"},
         {"labels":{"alertname":"HighLatency","team":"web","severity":"warning","cluster":"eu1"}}]
        """;

    [Fact]
    public async Task Every_page_renders_on_the_server_with_the_running_state()
    {
        await using var host = await AlertingTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", Alerts)).StatusCode);
        using var ui = new UiClient(host);

        var (status, html) = await ui.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("DiskFull", html);
        Assert.Contains("HighLatency", html);
        Assert.Contains("Disk &lt;b&gt;97%&lt;/b&gt; full", html); // alert data is escaped
        Assert.Contains("https://runbooks.example.com/disk", html);
        Assert.DoesNotContain("javascript:alert", html); // only http(s) links become links
        Assert.Contains("2 alerts · 2 groups", html);

        var fingerprint = (string)(await host.GetArrayAsync("api/v2/alerts")).Single(a => (string)a!["labels"]!["alertname"]! == "DiskFull")!["fingerprint"]!;
        (status, html) = await ui.GetAsync($"alerts/{fingerprint}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("received", html);
        Assert.Contains(WebUtility.HtmlEncode("{}/{team=\"db\"}/0"), html); // the route it matched
        Assert.Equal(HttpStatusCode.NotFound, (await ui.GetAsync("alerts/0123456789abcdef")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ui.GetAsync("alerts/not-a-fingerprint")).Status);

        foreach (var (path, expected) in new[]
        {
            ("silences", "New silence"),
            ("silences/new?matchers=" + Uri.EscapeDataString("{team=\"db\"}"), "This silence would mute 1 active alert."),
            ("notifications", "webhook[0]"),
            ("insights?period=7d", "Noisiest alerts"),
            ("routing", "Route tree"),
            ("routing?labels=" + Uri.EscapeDataString("alertname=\"X\", team=\"db\""), "{}/{team=\"db\"}:{alertname=\"X\"}"),
            ("status", "Instances sharing this database (1)"),
            ("login", "Authentication is off"),
        })
        {
            (status, html) = await ui.GetAsync(path);
            Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status}");
            Assert.Contains(WebUtility.HtmlEncode(expected), html);
        }
    }

    [Fact]
    public async Task The_alert_page_says_what_silences_inhibits_or_acknowledged_it_and_when_it_resolved()
    {
        await using var host = await AlertingTestHost.StartAsync();
        // The default config's rule: a critical alert inhibits a warning one of the same cluster.
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", $$$"""
            [{"labels":{"alertname":"DiskFull","severity":"critical","cluster":"eu1"}},
             {"labels":{"alertname":"HighLatency","severity":"warning","cluster":"eu1"}},
             {"labels":{"alertname":"Noisy","severity":"warning","cluster":"us1"}},
             {"labels":{"alertname":"Gone"},"startsAt":"{{{DateTimeOffset.UtcNow.AddMinutes(-10):O}}}","endsAt":"{{{DateTimeOffset.UtcNow.AddMinutes(-5):O}}}"}]
            """)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/silences", $$"""
            {"matchers":[{"name":"alertname","value":"Noisy","isRegex":false}],"startsAt":"{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}",
             "endsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}","createdBy":"Bo","comment":"known noise"}
            """)).StatusCode);
        var disk = Core.Labels.LabelSet.From(("alertname", "DiskFull"), ("severity", "critical"), ("cluster", "eu1")).FingerprintHex;
        await Eventually.EqualAsync(1L, () => host.CountMembershipsAsync($"m.fingerprint = x'{disk}'::bigint"));
        await host.ScalarAsync<int>($"""
            WITH acked AS (UPDATE aggregation_groups SET acknowledged_at = now(), acknowledged_by = 'Ann'
                           WHERE group_key IN (SELECT group_key FROM {Persistence.Memberships.All} m WHERE fingerprint = x'{disk}'::bigint) RETURNING 1)
            SELECT count(*)::int FROM acked
            """);
        using var ui = new UiClient(host);
        async Task<string> PageAsync(params (string Name, string Value)[] labels)
        {
            var (status, html) = await ui.GetAsync($"alerts/{Core.Labels.LabelSet.From(labels).FingerprintHex}");
            Assert.Equal(HttpStatusCode.OK, status);
            return html;
        }

        var latency = await PageAsync(("alertname", "HighLatency"), ("severity", "warning"), ("cluster", "eu1"));
        Assert.Contains("<span class=\"state suppressed\">", latency);
        Assert.Contains($"Inhibited by <a href=\"/alerts/{disk}\">DiskFull</a>", latency);
        Assert.DoesNotContain("Silenced by", latency);

        var noisy = await PageAsync(("alertname", "Noisy"), ("severity", "warning"), ("cluster", "us1"));
        Assert.Contains("<span class=\"state suppressed\">", noisy);
        Assert.Contains("Silenced by", noisy);
        Assert.Contains("(Bo: known noise)", noisy);
        Assert.DoesNotContain("Inhibited by", noisy); // no critical alert in us1

        var diskPage = await PageAsync(("alertname", "DiskFull"), ("severity", "critical"), ("cluster", "eu1"));
        Assert.DoesNotContain("<span class=\"state suppressed\">", diskPage);
        Assert.DoesNotContain("Inhibited by", diskPage);
        Assert.Contains("acknowledged by Ann", diskPage);

        var gone = await PageAsync(("alertname", "Gone"));
        Assert.Contains("<span class=\"state resolved\">", gone);
    }

    [Fact]
    public async Task The_resolved_state_lists_the_alerts_that_ended_last_and_no_firing_one()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var ended = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", $$$"""
            [{"labels":{"alertname":"StillFiring"}},
             {"labels":{"alertname":"EndedEarlier"},"startsAt":"{{{DateTimeOffset.UtcNow.AddHours(-1):O}}}","endsAt":"{{{ended}}}"}]
            """)).StatusCode);
        using var ui = new UiClient(host);

        var (status, html) = await ui.GetAsync("?state=resolved");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("EndedEarlier", html);
        Assert.DoesNotContain("StillFiring", html);
    }

    [Fact]
    public async Task A_huge_alert_list_is_cut_with_a_notice_instead_of_a_page_no_browser_can_show()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var alerts = string.Join(",", Enumerable.Range(0, IndexModelLimit + 50).Select(i => $$$"""{"labels":{"alertname":"Bulk{{{i}}}"}}"""));
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", $"[{alerts}]")).StatusCode);
        using var ui = new UiClient(host);
        var (status, html) = await ui.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Showing 1000 alerts; 50 more are left out.", html);
        Assert.Equal(IndexModelLimit, System.Text.RegularExpressions.Regex.Count(html, "<article class=\"alert\""));
    }

    private const int IndexModelLimit = Pages.IndexModel.MaxShown;

    [Fact]
    public async Task Filters_are_parsed_like_the_API_and_errors_say_what_is_wrong()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", Alerts);
        using var ui = new UiClient(host);

        var (status, html) = await ui.GetAsync("?filter=" + Uri.EscapeDataString("severity=\"critical\", team=~\"db|web\""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("DiskFull", html);
        Assert.DoesNotContain("HighLatency", html);

        (status, html) = await ui.GetAsync("?receiver=db");
        Assert.Contains("DiskFull", html);
        Assert.DoesNotContain("HighLatency", html);

        (status, html) = await ui.GetAsync("?filter=" + Uri.EscapeDataString("severity=\"critical"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("The filter is not valid", html);

        (status, html) = await ui.GetAsync("routing?labels=" + Uri.EscapeDataString("team=~\"db\""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("is a matcher, not a label", html);
    }

    [Fact]
    public async Task The_route_tester_shows_what_each_integration_would_send_with_its_templates()
    {
        await using var host = await AlertingTestHost.StartAsync("""
            route:
              receiver: chat
              group_by: [alertname]
            receivers:
              - name: chat
                webhook_configs:
                  - url: http://127.0.0.1:1/hook
                slack_configs:
                  - api_url: http://127.0.0.1:1/slack
                    text: '{{ range .Alerts }}{{ .Labels.instance }} <{{ .Labels.severity }}>{{ end }}'
            """);
        using var ui = new UiClient(host);

        var (status, html) = await ui.GetAsync("routing?labels=" + Uri.EscapeDataString("alertname=\"DiskFull\", instance=\"db-1\", severity=\"critical\""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<summary><code>webhook[0]</code></summary>", html);
        Assert.Contains("<summary><code>slack[0]</code></summary>", html);
        Assert.Contains(WebUtility.HtmlEncode("\"title\": \"[FIRING:1] DiskFull (db-1 critical)\""), html); // Alertmanager's default title
        Assert.Contains(WebUtility.HtmlEncode("\"text\": \"db-1 <critical>\""), html); // the receiver's Go template
        Assert.Contains(WebUtility.HtmlEncode("\"receiver\": \"chat\""), html); // the webhook's payload
    }

    [Fact]
    public async Task Nothing_changes_on_GET_and_no_form_acts_without_its_anti_forgery_token()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", Alerts);
        using var ui = new UiClient(host);
        var matchers = Uri.EscapeDataString("{team=\"db\"}");

        // GETs that carry every field a save would: still nothing saved.
        await ui.GetAsync($"silences/new?handler=Save&matchers={matchers}&Input.Matchers={matchers}&Input.CreatedBy=a&Input.Comment=b");
        await ui.GetAsync("status?handler=Reload");
        Assert.Equal(0, await host.CountAsync("silences"));

        // A cross-site POST has no token: refused.
        var forged = await ui.Http.PostAsync("silences/new?handler=Save", new FormUrlEncodedContent(
            [new("Input.Matchers", "{team=\"db\"}"), new("Input.Duration", "1h"), new("Input.CreatedBy", "mallory"), new("Input.Comment", "x")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0, await host.CountAsync("silences"));

        // The page's own form, with its token, saves.
        var (_, page) = await ui.GetAsync($"silences/new?matchers={matchers}");
        var saved = await ui.SubmitAsync("silences/new?handler=Save", page,
            ("Input.Matchers", "{team=\"db\"}"), ("Input.Duration", "1h"), ("Input.CreatedBy", "Ana"), ("Input.Comment", "disk swap"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(1, await host.CountAsync("silences"));
        Assert.Equal("Ana", await host.ScalarAsync<string>("SELECT created_by FROM silences"));
    }

    [Fact]
    public async Task A_silence_needs_an_author_and_a_comment_and_valid_matchers()
    {
        await using var host = await AlertingTestHost.StartAsync();
        using var ui = new UiClient(host);
        var (_, page) = await ui.GetAsync("silences/new");

        var response = await ui.SubmitAsync("silences/new?handler=Save", page, ("Input.Matchers", "team=\"db\""), ("Input.Duration", "1h"), ("Input.CreatedBy", ""), ("Input.Comment", " "));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Say who you are.", html);
        Assert.Contains("the comment is required", html);

        response = await ui.SubmitAsync("silences/new?handler=Save", page, ("Input.Matchers", "team=~\"(\""), ("Input.Duration", "1h"), ("Input.CreatedBy", "a"), ("Input.Comment", "b"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("team", await response.Content.ReadAsStringAsync());

        response = await ui.SubmitAsync("silences/new?handler=Save", page, ("Input.Matchers", "team=\"db\""), ("Input.Duration", "custom"), ("Input.EndsAt", "2001-01-01T00:00"), ("Input.CreatedBy", "a"), ("Input.Comment", "b"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await host.CountAsync("silences"));
    }

    [Fact]
    public async Task Expire_and_reload_are_POSTs_with_their_result_shown()
    {
        await using var host = await AlertingTestHost.StartAsync();
        using var ui = new UiClient(host);
        var created = await host.PostJsonAsync("api/v2/silences", """{"matchers":[{"name":"team","value":"db","isRegex":false}],"startsAt":"2020-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"a","comment":"b"}""");
        var id = (string)System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["silenceID"]!;

        var (_, page) = await ui.GetAsync("silences");
        Assert.Contains(id, page);
        var expired = await ui.SubmitAsync("silences?handler=Expire", page, ("id", id));
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.Equal("expired", (string)(await host.GetObjectAsync($"api/v2/silence/{id}"))["status"]!["state"]!);

        (_, page) = await ui.GetAsync("status");
        await File.WriteAllTextAsync(host.ConfigPath, "route: {receiver: nowhere}\n");
        var reload = await ui.SubmitAsync("status?handler=Reload", page);
        Assert.EndsWith("status?done=refused", reload.Headers.Location!.ToString());
        var (_, after) = await ui.GetAsync("status?done=refused");
        Assert.Contains("The reload was refused", after);
        Assert.Contains("nowhere", after); // the reason, from the config loader
    }

    [Fact]
    public async Task With_auth_on_the_UI_takes_the_API_credentials_and_readers_cannot_act()
    {
        await using var host = await AlertingTestHost.StartAsync(AuthConfig);
        using var ui = new UiClient(host);

        var anonymous = await ui.Http.GetAsync("silences?x=1");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.EndsWith("/login?returnUrl=%2Fsilences%3Fx%3D1", anonymous.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, (await ui.GetAsync("action/garbage")).Status); // action links need no login: checked, not redirected

        var (_, login) = await ui.GetAsync("login");
        var refused = await ui.SubmitAsync("login", login, ("token", "wrong"), ("returnUrl", "/silences"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var reader = await ui.SubmitAsync("login", login, ("token", "reader-token"), ("returnUrl", "/silences"));
        Assert.Equal(HttpStatusCode.Redirect, reader.StatusCode);
        Assert.Equal("/silences", reader.Headers.Location!.ToString());
        var (status, silences) = await ui.GetAsync("silences");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("New silence", silences); // readers see no buttons

        // A reader's POST goes to the login page asking for operator credentials, and acts on nothing.
        var (_, statusPage) = await ui.GetAsync("status");
        var reload = await ui.SubmitAsync("status?handler=Reload", statusPage);
        Assert.Equal(HttpStatusCode.Redirect, reload.StatusCode);
        Assert.Contains("need=write", reload.Headers.Location!.ToString());

        // Off-site return URLs are ignored.
        var (_, login2) = await ui.GetAsync("login");
        var operatorLogin = await ui.SubmitAsync("login", login2, ("username", "operator"), ("password", "op-pass"), ("returnUrl", "https://evil.example.com/"));
        Assert.Equal("/", operatorLogin.Headers.Location!.ToString());
        (status, silences) = await ui.GetAsync("silences");
        Assert.Contains("New silence", silences);

        // Scripts may send the API's Authorization header instead of logging in.
        using var request = new HttpRequestMessage(HttpMethod.Get, "notifications");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:op-pass")));
        using var script = new HttpClient { BaseAddress = host.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await script.SendAsync(request)).StatusCode);

        // Removing the credential from the configuration ends its sessions at the next reload.
        await File.WriteAllTextAsync(host.ConfigPath, AuthConfig.Replace("op-pass", "new-pass", StringComparison.Ordinal));
        Assert.True((await script.SendAsync(new HttpRequestMessage(HttpMethod.Post, "-/reload") { Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:op-pass"))) } })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ui.Http.GetAsync("silences")).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_after_twelve_hours_on_the_service_clock()
    {
        // The service's clock, not the machine's: the lifetime is counted from the login it saw.
        var time = new FakeTimeProvider(PinnedClock.Weekday);
        await using var host = await AlertingTestHost.StartAsync(AuthConfig, time: time);
        using var ui = new UiClient(host);
        var (_, login) = await ui.GetAsync("login");
        Assert.Equal(HttpStatusCode.Redirect, (await ui.SubmitAsync("login", login, ("username", "operator"), ("password", "op-pass"), ("returnUrl", "/silences"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ui.GetAsync("silences")).Status);

        time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await ui.GetAsync("silences")).Status);
        time.Advance(TimeSpan.FromSeconds(2));
        var expired = await ui.Http.GetAsync("silences");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.Contains("/login", expired.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Pages_are_served_under_the_route_prefix_with_security_headers()
    {
        await using var host = await AlertingTestHost.StartAsync(routePrefix: "/am");
        using var ui = new UiClient(host);
        using var response = await ui.Http.GetAsync("");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("href=\"/am/silences\"", html);
        Assert.Contains("href=\"/am/assets/ui.css?v=", html);
        Assert.Contains("action=\"/am/preferences\"", html);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(HttpStatusCode.OK, (await ui.Http.GetAsync("assets/ui.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ui.Http.GetAsync("assets/../alerting.yml")).StatusCode);
    }

    [Fact]
    public async Task The_language_follows_the_browser_and_the_switch()
    {
        await using var host = await AlertingTestHost.StartAsync();
        using var chinese = new UiClient(host, "zh-CN,zh;q=0.9,en;q=0.8");
        var (_, html) = await chinese.GetAsync("silences");
        Assert.Contains("<html lang=\"zh-CN\"", html);
        Assert.Contains("新建静默", html);

        using var english = new UiClient(host, "en-GB,en;q=0.9,zh;q=0.5");
        (_, html) = await english.GetAsync("silences");
        Assert.Contains("New silence", html);

        // The switch wins over the browser's language, and remembers it.
        var switched = await english.SubmitAsync("preferences", html, ("lang", "zh-CN"), ("returnUrl", "/silences"));
        Assert.Equal("/silences", switched.Headers.Location!.ToString());
        (_, html) = await english.GetAsync("silences");
        Assert.Contains("新建静默", html);
    }
}
