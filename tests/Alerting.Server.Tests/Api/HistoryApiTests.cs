using System.Net;
using Alerting.Infrastructure;

namespace Alerting.Api;

public sealed class HistoryApiTests
{
    [Fact]
    public async Task History_shows_state_changes_and_send_attempts_for_an_alert_and_its_group()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync($$"""
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 0s
              group_interval: 1s
            receivers:
              - name: hook
                webhook_configs:
                  - url: {{sink.Url()}}
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Hist"}}]""");
        await sink.WaitForAsync(1);
        // Resolve only once the firing notification is recorded, so the history has a fixed order.
        await Eventually.EqualAsync("firing", () => host.ScalarAsync<string>("SELECT state FROM alerts"));
        await host.PostJsonAsync("api/v2/alerts", $$"""[{"labels":{"alertname":"Hist"},"endsAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}"}]""");
        await sink.WaitForAsync(2);

        var fp = Core.Labels.LabelSet.From(("alertname", "Hist")).FingerprintHex;
        await Eventually.EqualAsync(true, async () =>
            (await host.GetObjectAsync($"api/v2/history/alerts/{fp}"))["notifications"]!.AsArray().Count == 2);
        var history = await host.GetObjectAsync($"api/v2/history/alerts/{fp}");
        var events = history["events"]!.AsArray().Select(e => (string)e!["event"]!).ToList();
        Assert.Equal(["received", "grouped", "firing", "resolved"], events.Take(4));
        // Stored on the alert's own row, no history row: the arrival and the group it joined.
        Assert.Equal("received {}:{alertname=\"Hist\"}", await host.ScalarAsync<string>("SELECT first_event || ' ' || first_group_key FROM alerts"));
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM alert_events WHERE event IN ('received', 'grouped')"));
        var sends = history["notifications"]!.AsArray();
        Assert.All(sends, s => Assert.Equal("success", (string)s!["outcome"]!));
        Assert.Equal("hook", (string)sends[0]!["receiver"]!);
        Assert.Equal("webhook[0]", (string)sends[0]!["integration"]!);
        Assert.Equal("first notification", (string)sends[0]!["reason"]!);
        Assert.Equal(fp, (string)sends[0]!["alerts"]![0]!);

        var group = await host.GetObjectAsync("api/v2/history/groups?groupKey=" + Uri.EscapeDataString("{}:{alertname=\"Hist\"}"));
        Assert.Equal(2, group["notifications"]!.AsArray().Count);
        Assert.Contains(group["events"]!.AsArray(), e => (string)e!["event"]! == "grouped");

        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("api/v2/history/alerts/xyz")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("api/v2/history/groups")).StatusCode);
    }

    [Fact]
    public async Task An_alert_in_two_groups_keeps_the_least_group_key_on_its_row_and_the_other_as_a_grouped_event()
    {
        await using var host = await AlertingTestHost.StartAsync("""
            route:
              receiver: hook
              group_by: [alertname]
              routes:
                - matchers: [team="a"]
                  continue: true
                - matchers: [severity="page"]
            receivers:
              - name: hook
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Two","team":"a","severity":"page"}}]""");

        // Ordinal order: "{}/{severity..." before "{}/{team...".
        Assert.Equal("received {}/{severity=\"page\"}:{alertname=\"Two\"}",
            await host.ScalarAsync<string>("SELECT first_event || ' ' || first_group_key FROM alerts"));
        Assert.Equal("grouped {}/{team=\"a\"}:{alertname=\"Two\"}",
            await host.ScalarAsync<string>("SELECT string_agg(event || ' ' || group_key, ', ') FROM alert_events"));
        // The first group is the alert's home, on its row; the second is a group_members row.
        Assert.Equal(2L, await host.CountMembershipsAsync());
        Assert.Equal("{}/{severity=\"page\"}:{alertname=\"Two\"}", await host.ScalarAsync<string>("SELECT home_group_key FROM alerts"));
        Assert.Equal("{}/{team=\"a\"}:{alertname=\"Two\"}", await host.ScalarAsync<string>("SELECT string_agg(group_key, ',') FROM group_members"));
    }

    [Fact]
    public async Task A_long_history_shows_its_newest_1000_events_oldest_first()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Long"}}]""");
        var fp = Core.Labels.LabelSet.From(("alertname", "Long")).Fingerprint;
        // 1,200 more events, a second apart, an hour from now: the newest of them must be shown, in order.
        await host.ScalarAsync<long>($"""
            WITH x AS (INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
                SELECT {unchecked((long)fp)}, now() + interval '1 hour' + i * interval '1 second', 'refired', NULL, 'n' || i
                FROM generate_series(1, 1200) i RETURNING 1)
            SELECT count(*) FROM x
            """);

        var events = (await host.GetObjectAsync($"api/v2/history/alerts/{Core.Labels.Fingerprint.Format(fp)}"))["events"]!.AsArray();

        Assert.Equal(1000, events.Count);
        Assert.Equal("n201", (string)events[0]!["detail"]!);
        Assert.Equal("n1200", (string)events[^1]!["detail"]!);
    }
}
