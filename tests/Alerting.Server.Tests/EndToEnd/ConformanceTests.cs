using System.Text.Json.Nodes;
using Alerting.Infrastructure;

namespace Alerting.EndToEnd;

/// <summary>
/// Alertmanager's acceptance scenarios, in real time with short intervals (as Alertmanager's own
/// acceptance tests run), against a real instance, real PostgreSQL and a WireMock.Net webhook.
/// </summary>
public sealed class ConformanceTests
{
    private static string Now(double seconds = 0) => DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("O");

    private static string Alert(string labels, double? endsIn = null, double? startsIn = null) =>
        "{\"labels\":{" + labels + "}" + (startsIn is { } s ? $",\"startsAt\":\"{Now(s)}\"" : "") + (endsIn is { } e ? $",\"endsAt\":\"{Now(e)}\"" : "") + "}";

    private static string Config(string receivers, string route = "", string groupWait = "0s", string groupInterval = "1s",
        string repeat = "1h", string groupBy = "[alertname]", string extra = "", string resolveTimeout = "5m") => $$"""
        global:
          resolve_timeout: {{resolveTimeout}}
        route:
          receiver: hook
          group_by: {{groupBy}}
          group_wait: {{groupWait}}
          group_interval: {{groupInterval}}
          repeat_interval: {{repeat}}
        {{route}}
        receivers:
        {{receivers}}
        {{extra}}
        """;

    private static string Hook(WebhookSink sink, string name = "hook", string options = "") => $"""
          - name: {name}
            webhook_configs:
              - url: {sink.Url()}
        {options}
        """;

    private static IEnumerable<string> Names(JsonObject n) => n["alerts"]!.AsArray().Select(a => (string)a!["labels"]!["alertname"]!);

    private static IEnumerable<string> Statuses(JsonObject n) => n["alerts"]!.AsArray().Select(a => (string)a!["status"]!);

    [Fact]
    public async Task Repeat_notifications_then_a_final_resolved_one()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), repeat: "2s"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Rep\"")}]");
        await sink.WaitForAsync(1);
        // Unchanged: sent again only once repeat_interval (2s) has passed, at a group_interval tick.
        await Task.Delay(1500);
        Assert.Single(sink.Delivered());
        var repeats = await sink.WaitForAsync(2, TimeSpan.FromSeconds(5));
        Assert.Equal("firing", (string)repeats[1]["status"]!);

        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Rep\"", endsIn: -0.5)}]");
        var all = await sink.WaitForAsync(3, TimeSpan.FromSeconds(5));
        Assert.Equal("resolved", (string)all[^1]["status"]!);
        await Task.Delay(3000);
        Assert.Equal("resolved", (string)sink.Delivered()[^1]["status"]!);
        Assert.Equal(all.Count, sink.Delivered().Count);
    }

    [Fact]
    public async Task Group_by_nothing_batches_everything_into_one_notification()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), groupWait: "1s", groupBy: "[]"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"A\"")},{Alert("\"alertname\":\"B\"")}]");
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"C\"")}]");
        var n = (await sink.WaitForAsync(1))[0];
        Assert.Equal(["A", "B", "C"], Names(n).Order());
        Assert.Equal("{}:{}", (string)n["groupKey"]!);
        Assert.Empty(n["groupLabels"]!.AsObject());
        await Task.Delay(1500);
        Assert.Single(sink.Delivered());
    }

    [Fact]
    public async Task Alerts_without_endsAt_resolve_after_resolve_timeout()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), resolveTimeout: "2s"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Timeout\"")}]");
        Assert.Equal("firing", (string)(await sink.WaitForAsync(1))[0]["status"]!);
        var resolved = (await sink.WaitForAsync(2, TimeSpan.FromSeconds(8)))[1];
        Assert.Equal("resolved", (string)resolved["status"]!);
        Assert.Empty(await host.GetArrayAsync("api/v2/alerts"));
    }

    [Fact]
    public async Task Send_resolved_false_sends_no_resolution_and_clears_the_group()
    {
        using var sink = new WebhookSink();
        var receivers = $"""
              - name: hook
                webhook_configs:
                  - url: {sink.Url()}
                    send_resolved: false
            """;
        await using var host = await AlertingTestHost.StartAsync(Config(receivers));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Quiet\"")},{Alert("\"alertname\":\"Quiet\",\"i\":\"2\"")}]");
        Assert.Equal(2, (await sink.WaitForAsync(1))[0]["alerts"]!.AsArray().Count);
        // One of two resolves: nothing new fires, the resolution is not sent.
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Quiet\",\"i\":\"2\"", endsIn: -0.5)}]");
        await Task.Delay(2500);
        await Task.Delay(1000);
        Assert.True(sink.Delivered().Count == 1, await host.ScalarAsync<string>("SELECT string_agg(array_to_string(firing_alerts, ',') || ' / ' || array_to_string(resolved_alerts, ',') || ' ' || sent_at::text, E'\n') FROM notification_log") + "\n" + await host.ScalarAsync<string>("SELECT string_agg(at::text || ' ' || outcome || ' ' || reason, E'\n' ORDER BY id) FROM notification_attempts")
            + string.Join("\n", sink.Delivered().Select(d => d.ToJsonString())));
        // The other resolves too: still no message, and the group is gone.
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Quiet\"", endsIn: -0.5)}]");
        await Eventually.EqualAsync(0L, () => host.CountAsync("aggregation_groups"));
        Assert.Single(sink.Delivered());
    }

    [Fact]
    public async Task Two_webhooks_keep_separate_dedup_state_while_one_fails_and_recovers()
    {
        using var good = new WebhookSink();
        using var bad = new WebhookSink(status: 500);
        var receivers = $"""
              - name: hook
                webhook_configs:
                  - url: {good.Url()}
                  - url: {bad.Url()}
            """;
        await using var host = await AlertingTestHost.StartAsync(Config(receivers, groupInterval: "2s"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Two\"")}]");
        await good.WaitForAsync(1);
        // The failing one is retried; the healthy one is told once.
        await Eventually.EqualAsync(true, () => Task.FromResult(bad.Requests.Count >= 2));
        bad.RespondWith(200);
        await bad.WaitForAsync(1, TimeSpan.FromSeconds(10));
        await Task.Delay(2500);
        Assert.Single(good.Delivered());
        Assert.Single(bad.Delivered());
        Assert.True(await host.CountAsync("notification_attempts") >= 4);
    }

    [Fact]
    public async Task Webhook_timeout_is_enforced_and_retried()
    {
        using var sink = new WebhookSink();
        sink.RespondWith(200, delay: TimeSpan.FromSeconds(3));
        var receivers = $"""
              - name: hook
                webhook_configs:
                  - url: {sink.Url()}
                    timeout: 500ms
            """;
        await using var host = await AlertingTestHost.StartAsync(Config(receivers, groupInterval: "10s"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Slow\"")}]");
        await Eventually.EqualAsync(true, async () => await host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE outcome = 'retry'") >= 2);
        var error = await host.ScalarAsync<string>("SELECT error FROM notification_attempts WHERE outcome = 'retry' LIMIT 1");
        Assert.Contains("timeout", error, StringComparison.OrdinalIgnoreCase);
        sink.RespondWith(200);
        await Eventually.EqualAsync(1L, () => host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE outcome = 'success'"));
    }

    [Fact]
    public async Task Silence_mutes_only_inside_its_window()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), groupInterval: "1s", repeat: "1s"));
        // Eight seconds: the checks inside the window must finish before it ends on a busy test machine (with three,
        // a CI run read the alert after the silence had ended).
        var ends = DateTimeOffset.UtcNow.AddSeconds(8);
        var silence = await host.PostJsonAsync("api/v2/silences", $$"""
            {"matchers":[{"name":"alertname","value":"Hush","isRegex":false}],"startsAt":"{{Now()}}","endsAt":"{{ends:O}}","createdBy":"t","comment":"c"}
            """);
        Assert.True(silence.IsSuccessStatusCode);
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Hush\"")}]");
        await Eventually.EqualAsync("suppressed", async () => (string)(await host.GetArrayAsync("api/v2/alerts")).Single()!["status"]!["state"]!);
        Assert.Equal("suppressed", await host.ScalarAsync<string>("SELECT state FROM alerts"));
        // A few group intervals pass inside the window, and nothing is sent.
        await Task.Delay(2000);
        var checkedAt = DateTimeOffset.UtcNow;
        Assert.Empty(sink.Delivered());
        Assert.True(checkedAt < ends, $"checked {(checkedAt - ends).TotalSeconds:0.0} s after the silence ended");
        // The silence ends: the alert is notified, not before.
        var n = (await sink.WaitForAsync(1, TimeSpan.FromSeconds(15)))[0];
        Assert.True(DateTimeOffset.UtcNow >= ends, "notified before the silence ended");
        Assert.Equal(["Hush"], Names(n));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM alert_events WHERE event = 'unsuppressed'"));
    }

    [Fact]
    public async Task Expiring_a_silence_releases_the_alert()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink)));
        var created = await host.PostJsonAsync("api/v2/silences", $$"""
            {"matchers":[{"name":"alertname","value":"Exp","isRegex":false}],"startsAt":"{{Now()}}","endsAt":"{{Now(3600)}}","createdBy":"t","comment":"c"}
            """);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["silenceID"]!;
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Exp\"")}]");
        await Task.Delay(1500);
        Assert.Empty(sink.Delivered());
        await host.Client.DeleteAsync($"api/v2/silence/{id}");
        await sink.WaitForAsync(1, TimeSpan.FromSeconds(5));
    }

    private const string InhibitRule = """
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [cluster]
        """;

    [Fact]
    public async Task Inhibition_holds_while_the_source_fires_and_releases_when_it_resolves()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), groupBy: "[alertname]", extra: InhibitRule));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Src\",\"severity\":\"critical\",\"cluster\":\"a\"")}]");
        await sink.WaitForAsync(1);
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Tgt\",\"severity\":\"warning\",\"cluster\":\"a\"")},{Alert("\"alertname\":\"Tgt\",\"severity\":\"warning\",\"cluster\":\"b\"")}]");
        var tgt = (await sink.WaitForAsync(2))[1];
        // Only the target in another cluster gets through.
        Assert.Equal(["b"], tgt["alerts"]!.AsArray().Select(a => (string)a!["labels"]!["cluster"]!));
        var inhibited = (await host.GetArrayAsync("api/v2/alerts?filter=cluster%3Da&filter=alertname%3DTgt")).Single()!;
        Assert.Single(inhibited["status"]!["inhibitedBy"]!.AsArray());

        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Src\",\"severity\":\"critical\",\"cluster\":\"a\"", endsIn: -0.5)}]");
        await Eventually.EqualAsync(true, () => Task.FromResult(sink.Delivered().Any(n => (string)n["groupLabels"]!["alertname"]! == "Tgt"
            && n["alerts"]!.AsArray().Any(a => (string)a!["labels"]!["cluster"]! == "a"))), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Source_and_target_resolving_together_send_one_resolution_each()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), groupBy: "[]", extra: InhibitRule));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Src\",\"severity\":\"critical\",\"cluster\":\"a\"")},{Alert("\"alertname\":\"Tgt\",\"severity\":\"warning\",\"cluster\":\"a\"")}]");
        var first = (await sink.WaitForAsync(1))[0];
        Assert.Equal(["Src"], Names(first));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Src\",\"severity\":\"critical\",\"cluster\":\"a\"", endsIn: -0.5)},{Alert("\"alertname\":\"Tgt\",\"severity\":\"warning\",\"cluster\":\"a\"", endsIn: -0.5)}]");
        var resolved = (await sink.WaitForAsync(2))[1];
        Assert.Equal("resolved", (string)resolved["status"]!);
        await Task.Delay(2000);
        Assert.Equal(2, sink.Delivered().Count);
    }

    [Fact]
    public async Task Empty_inhibit_rule_does_not_inhibit_alerts_matching_both_sides()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), extra: "inhibit_rules:\n  - equal: []\n"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"E1\"")},{Alert("\"alertname\":\"E2\"")}]");
        var got = await sink.WaitForAsync(2);
        Assert.Equal(["E1", "E2"], got.SelectMany(Names).Order());
    }

    [Fact]
    public async Task Mute_time_interval_holds_notifications()
    {
        using var sink = new WebhookSink();
        var route = """
              routes:
                - receiver: hook
                  matchers: [team="night"]
                  mute_time_intervals: [always]
            """;
        var extra = """
            time_intervals:
              - name: always
                time_intervals:
                  - weekdays: ['sunday:saturday']
            """;
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), route: route, extra: extra));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Muted\",\"team\":\"night\"")},{Alert("\"alertname\":\"Loud\",\"team\":\"day\"")}]");
        var got = await sink.WaitForAsync(1);
        await Task.Delay(1500);
        Assert.Equal(["Loud"], sink.Delivered().SelectMany(Names));
        await Eventually.EqualAsync("suppressed", () => host.ScalarAsync<string>("SELECT state FROM alerts WHERE labels->>'alertname' = 'Muted'"));
    }

    [Fact]
    public async Task Reload_keeps_the_notification_log_so_nothing_is_sent_twice()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink)));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Rl\"")}]");
        await sink.WaitForAsync(1);
        await File.WriteAllTextAsync(host.ConfigPath, Config(Hook(sink), groupInterval: "1s") + "\n# changed\n");
        Assert.True((await host.Client.PostAsync("-/reload", null)).IsSuccessStatusCode);
        await Task.Delay(3000);
        Assert.Single(sink.Delivered());
    }

    [Fact]
    public async Task Utf8_label_values_arrive_intact()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink)));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"磁盘已满\",\"emoji\":\"🔥 <b>&\"")}]");
        var n = (await sink.WaitForAsync(1))[0];
        Assert.Equal("磁盘已满", (string)n["groupLabels"]!["alertname"]!);
        Assert.Equal("🔥 <b>&", (string)n["alerts"]![0]!["labels"]!["emoji"]!);
    }

    [Fact]
    public async Task Reload_that_moves_an_alert_to_another_route_regroups_it()
    {
        using var first = new WebhookSink();
        using var second = new WebhookSink();
        var receivers = Hook(first) + Hook(second, name: "other");
        await using var host = await AlertingTestHost.StartAsync(Config(receivers));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Move\",\"team\":\"x\"")}]");
        await first.WaitForAsync(1);

        var moved = Config(receivers, route: "  routes:\n    - receiver: other\n      matchers: [team=\"x\"]\n");
        await File.WriteAllTextAsync(host.ConfigPath, moved);
        Assert.True((await host.Client.PostAsync("-/reload", null)).IsSuccessStatusCode);
        var n = (await second.WaitForAsync(1))[0];
        Assert.Equal("other", (string)n["receiver"]!);
        Assert.Equal("{}/{team=\"x\"}:{alertname=\"Move\"}", (string)n["groupKey"]!);
        // The old group let go of it: resolving it later tells only the new receiver.
        await Eventually.EqualAsync(0L, () => host.CountMembershipsAsync("m.group_key = '{}:{alertname=\"Move\"}'"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Move\",\"team\":\"x\"", endsIn: -0.5)}]");
        await second.WaitForAsync(2);
        await Task.Delay(1500);
        Assert.Single(first.Delivered());
    }

    [Fact]
    public async Task Notification_metrics_use_Alertmanager_names()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink)));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Met\"")}]");
        await sink.WaitForAsync(1);
        await Eventually.EqualAsync(true, async () => (await host.Client.GetStringAsync("metrics")).Contains("alertmanager_notification_requests_total{integration=\"webhook\"} 1", StringComparison.Ordinal));
        var metrics = await host.Client.GetStringAsync("metrics");
        Assert.Contains("alertmanager_notifications_total{integration=\"webhook\"} 1", metrics);
        Assert.Contains("alertmanager_notification_latency_seconds_count{integration=\"webhook\"} 1", metrics);
        Assert.Contains("alertmanager_dispatcher_aggregation_groups 1", metrics);
        Assert.Contains("alerting_outbox_depth 0", metrics);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_within_a_flush()
    {
        using var sink = new WebhookSink(status: 400);
        await using var host = await AlertingTestHost.StartAsync(Config(Hook(sink), groupInterval: "1m"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Bad\"")}]");
        await Eventually.EqualAsync(1L, () => host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts"));
        await Task.Delay(2000);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE outcome = 'failed' AND status_code = 400"));
        Assert.Single(sink.Requests);
        // The log was not written, so the next flush tries again; the failed row is gone.
        Assert.Equal(0L, await host.CountAsync("notification_log"));
        Assert.Equal(0L, await host.CountAsync("outbox"));
        Assert.Contains("alertmanager_notifications_failed_total{integration=\"webhook\",reason=\"clientError\"} 1", await host.Client.GetStringAsync("metrics"));
    }

    [Fact]
    public async Task A_dead_endpoint_opens_its_circuit_without_delaying_the_others()
    {
        using var good = new WebhookSink();
        var receivers = $"""
              - name: hook
                webhook_configs:
                  - url: http://127.0.0.1:9/dead
                  - url: {good.Url()}
            """;
        await using var host = await AlertingTestHost.StartAsync(Config(receivers, groupInterval: "1m"));
        await host.PostJsonAsync("api/v2/alerts", $"[{Alert("\"alertname\":\"Dead\"")}]");
        await good.WaitForAsync(1, TimeSpan.FromSeconds(5));
        await Eventually.EqualAsync(true, async () =>
            await host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE integration = 'webhook[0]' AND error LIKE 'circuit open%'") >= 1,
            TimeSpan.FromSeconds(20));
        // Five attempts reached the dead endpoint before the circuit opened.
        Assert.Equal(5L, await host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE integration = 'webhook[0]' AND error NOT LIKE 'circuit open%'"));
    }
}
