using System.Net;
using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Links;

public sealed class ActionLinkTests
{
    private static string Config(WebhookSink sink, string extra = "") =>
        TestConfig.Webhook(sink.Url(), repeat: "2s", resolveTimeout: null, extra: extra);

    private const string GroupKey = "{}:{alertname=\"Linked\"}";
    private static readonly LabelSet GroupLabels = LabelSet.From(("alertname", "Linked"));

    private static async Task<ActionLinks> LinksAsync(AlertingTestHost host) =>
        await host.Server.Services.GetRequiredService<LinkSigner>().ForGroupAsync(GroupKey, "hook", GroupLabels, host.BaseAddress.ToString(), CancellationToken.None);

    private static string PathOf(string link) => new Uri(link).PathAndQuery.TrimStart('/');

    private static FormUrlEncodedContent Name(string name) => new([new("name", name)]);

    [Fact]
    public async Task Get_only_confirms_and_post_silences_once()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(sink));
        var links = await LinksAsync(host);

        var page = await host.Client.GetAsync(PathOf(links.Silence4h));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Matches("<form method=\"post\"[^>]*>", html);
        Assert.Contains("name=\"name\"", html);
        Assert.Contains("4 h", html);
        Assert.Equal(0, await host.CountAsync("silences")); // a link preview never acts

        var done = await host.Client.PostAsync(PathOf(links.Silence4h), Name("Ana"));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var silence = (await host.GetArrayAsync("api/v2/silences")).Single()!;
        Assert.Equal("Ana", (string)silence["createdBy"]!);
        Assert.Equal("alertname", (string)silence["matchers"]![0]!["name"]!);
        Assert.Equal("Linked", (string)silence["matchers"]![0]!["value"]!);
        var length = DateTimeOffset.Parse((string)silence["endsAt"]!, System.Globalization.CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse((string)silence["startsAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(length, TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(4));

        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.PostAsync(PathOf(links.Silence4h), Name("Ana"))).StatusCode);
        Assert.Equal(1, await host.CountAsync("silences"));
    }

    [Fact]
    public async Task Tampered_and_expired_links_are_refused_with_a_clear_page()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(sink), time: time);
        var links = await LinksAsync(host);

        var path = PathOf(links.Acknowledge);
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var tampered = path[..(dot - 2)] + (path[dot - 2] == 'A' ? 'B' : 'A') + path[(dot - 1)..];
        var refused = await host.Client.GetAsync(tampered);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("not valid", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync(tampered, Name("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("action/garbage")).StatusCode);

        time.Advance(TimeSpan.FromDays(8)); // default validity is 7 days
        var expired = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Links_signed_with_a_previous_key_stay_valid_after_rotation()
    {
        using var sink = new WebhookSink();
        var oldKey = new string('a', 40);
        var newKey = new string('b', 40);
        await using var host = await AlertingTestHost.StartAsync(Config(sink, $"server:\n  links:\n    signing_key: {oldKey}\n"));
        var links = await LinksAsync(host);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(PathOf(links.View))).StatusCode);

        await File.WriteAllTextAsync(host.ConfigPath, Config(sink, $"server:\n  links:\n    signing_key: {newKey}\n    previous_keys: [{oldKey}]\n"));
        Assert.True((await host.Client.PostAsync("-/reload", null)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(PathOf(links.View))).StatusCode);

        await File.WriteAllTextAsync(host.ConfigPath, Config(sink, $"server:\n  links:\n    signing_key: {newKey}\n"));
        Assert.True((await host.Client.PostAsync("-/reload", null)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync(PathOf(links.View))).StatusCode);
    }

    [Fact]
    public async Task Acknowledge_stops_repeats_until_a_new_alert_joins()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(sink));
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Linked","i":"1"}}]""");
        await sink.WaitForAsync(2, TimeSpan.FromSeconds(8)); // first + one repeat (repeat_interval 2s)

        var links = await LinksAsync(host);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync(PathOf(links.Acknowledge), Name("Bo"))).StatusCode);
        var before = sink.Delivered().Count;
        await Task.Delay(4000);
        Assert.Equal(before, sink.Delivered().Count); // no repeats while acknowledged

        var view = await (await host.Client.GetAsync(PathOf(links.View))).Content.ReadAsStringAsync();
        Assert.Contains("Acknowledged by Bo", view);
        var group = (await host.GetArrayAsync("api/v2/alerts/groups")).Single()!;
        Assert.Equal("Bo", (string)group["acknowledgement"]!["by"]!);
        var fp = LabelSet.From(("alertname", "Linked"), ("i", "1")).FingerprintHex;
        var history = await host.GetObjectAsync($"api/v2/history/alerts/{fp}");
        Assert.Contains(history["events"]!.AsArray(), e => (string)e!["event"]! == "acknowledged" && ((string)e["detail"]!).Contains("Bo", StringComparison.Ordinal));

        // A new alert joins: notified, and repeats resume.
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Linked","i":"2"}}]""");
        var after = await sink.WaitForAsync(before + 1);
        Assert.Equal(2, after[^1]["alerts"]!.AsArray().Count);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM aggregation_groups WHERE acknowledged_at IS NOT NULL"));
    }

    [Fact]
    public async Task View_page_shows_alerts_state_and_matching_silences_without_acting()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(sink));
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Linked"},"annotations":{"summary":"disk <b>full</b>"}}]""");
        await sink.WaitForAsync(1);
        var links = await LinksAsync(host);
        await host.Client.PostAsync(PathOf(links.Silence1h), Name("Cy"));
        var html = await (await host.Client.GetAsync(PathOf(links.View))).Content.ReadAsStringAsync();
        Assert.Contains("Linked", html);
        Assert.Contains("disk &lt;b&gt;full&lt;/b&gt;", html); // alert data is escaped
        Assert.Contains("Silenced from a notification link", html);
        Assert.Contains("name=\"viewport\"", html);
        Assert.DoesNotMatch("<script(?![^>]*src=)", html); // no inline script (the CSP forbids it)
    }
}
