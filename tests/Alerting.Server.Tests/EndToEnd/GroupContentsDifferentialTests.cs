using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.EndToEnd;

/// <summary>
/// Which alerts each notification carries, side by side with the real Alertmanager 0.25: the same config and the same
/// posts at the same moments go to both, each with its own webhook recorder, and every group must get the same
/// notifications in the same order (alerts, statuses, times; not when they arrived). The scenarios are the ones
/// where contents used to differ: alerts posted already resolved, and resolved alerts posted again.
/// </summary>
public sealed class GroupContentsDifferentialTests(ITestOutputHelper output)
{
    // Posts land mid-way between flushes: groups flush at 1 s (group_wait) and every 2 s after.
    private static readonly string[] Names = ["a", "b", "c", "d", "e", "f", "g", "h", "h/quiet"];

    private static readonly TimeSpan Step = TimeSpan.FromSeconds(2);

    [RequiresToolFact(RealAlertmanager.Tool)]
    public async Task Notifications_carry_the_same_alerts_as_Alertmanager()
    {
        using var ourSink = new WebhookSink();
        using var amSink = new WebhookSink();
        await using var am = await RealAlertmanager.StartAsync(Config(amSink.Url()));
        await using var ours = await AlertingTestHost.StartAsync(Config(ourSink.Url()));

        var t0 = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var steps = Scenarios(t0);
        for (var i = 0; i < steps.Count; i++)
        {
            var wait = Step * i - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            if (steps[i].Count == 0)
            {
                continue;
            }
            var body = new JsonArray([.. steps[i].Select(a => a.DeepClone())]).ToJsonString();
            var posted = await Task.WhenAll(
                am.Client.PostAsync("api/v2/alerts", new StringContent(body, Encoding.UTF8, "application/json")),
                ours.PostJsonAsync("api/v2/alerts", body));
            Assert.All(posted, r => Assert.True(r.IsSuccessStatusCode, $"step {i}: {r.StatusCode}"));
        }
        // The last posts' flush, and the one after it (to see that nothing more comes).
        await Task.Delay(Step * 2);

        var expected = ByGroup(amSink);
        var actual = ByGroup(ourSink);
        foreach (var scenario in Names)
        {
            output.WriteLine($"scenario {scenario}\n  alertmanager: {string.Join("\n                ", expected.GetValueOrDefault(scenario, []))}" +
                             $"\n  ours:         {string.Join("\n                ", actual.GetValueOrDefault(scenario, []))}");
        }
        Assert.Equal(expected.GetValueOrDefault("a", []), actual.GetValueOrDefault("a", []));
        Assert.Equal(expected.GetValueOrDefault("b", []), actual.GetValueOrDefault("b", []));
        Assert.Equal(expected.GetValueOrDefault("c", []), actual.GetValueOrDefault("c", []));
        Assert.Equal(expected.GetValueOrDefault("d", []), actual.GetValueOrDefault("d", []));
        Assert.Equal(expected.GetValueOrDefault("e", []), actual.GetValueOrDefault("e", []));
        Assert.Equal(expected.GetValueOrDefault("f", []), actual.GetValueOrDefault("f", []));
        Assert.Equal(expected.GetValueOrDefault("g", []), actual.GetValueOrDefault("g", []));
        Assert.Equal(expected.GetValueOrDefault("h", []), actual.GetValueOrDefault("h", []));
        Assert.Equal(expected.GetValueOrDefault("h/quiet", []), actual.GetValueOrDefault("h/quiet", []));
        // The scenarios are worth something only if Alertmanager notified where they expect it to.
        Assert.Equal(3, expected.GetValueOrDefault("b", []).Count);
        Assert.Contains("B resolved", expected["a"][^1], StringComparison.Ordinal);
    }

    /// <summary>The posts of each step, one step every <see cref="Step"/>; every scenario is its own group.</summary>
    private static List<List<JsonObject>> Scenarios(DateTimeOffset t0)
    {
        // Starting now, both sides flush first at t0 + 1 s (group_wait) and every 2 s after, a second from each post.
        var s = t0;
        var earlier = t0.AddMinutes(-5);
        var resolvedAt = t0.AddSeconds(3);
        var later = t0.AddSeconds(4 * Step.TotalSeconds + 3);
        var refired = t0.AddSeconds(6 * Step.TotalSeconds);
        return
        [
            [
                // (a) A fires; (b) A and B fire; (c) A fires; (d) A and B fire; (e) A posted already resolved, never
                // firing; (f), (g), (h) A and B fire.
                Alert("a", "A", s), Alert("b", "A", s), Alert("b", "B", s), Alert("c", "A", s), Alert("d", "A", s), Alert("d", "B", s),
                Alert("e", "A", earlier, t0.AddSeconds(-1)), Alert("f", "A", s), Alert("f", "B", s), Alert("g", "A", s), Alert("g", "B", s),
                Alert("h", "A", s), Alert("h", "B", s),
            ],
            [],
            [
                // (a) B posted already resolved into the firing group; (b), (c), (f), (g), (h) A resolves; (d) both resolve.
                Alert("a", "B", earlier, t0.AddSeconds(-1)), Alert("b", "A", s, resolvedAt), Alert("c", "A", s, resolvedAt),
                Alert("d", "A", s, resolvedAt), Alert("d", "B", s, resolvedAt), Alert("f", "A", s, resolvedAt), Alert("g", "A", s, resolvedAt),
                Alert("h", "A", s, resolvedAt),
            ],
            [
                // (f) B resolves after A's resolution was sent: that flush took A out of the group. (g) The same, but
                // A is posted again (resolved) with it, and so is back in.
                Alert("f", "B", s, t0.AddSeconds(5.5)), Alert("g", "A", s, resolvedAt), Alert("g", "B", s, t0.AddSeconds(5.5)),
            ],
            [
                // Prometheus re-sends resolved alerts: (b) A again, (d) A again, (e) A again.
                Alert("b", "A", s, resolvedAt), Alert("d", "A", s, resolvedAt), Alert("e", "A", earlier, t0.AddSeconds(-1)),
            ],
            [
                // (h) B resolves: its receiver's second webhook (send_resolved false) was never told A resolved.
                Alert("h", "B", s, t0.AddSeconds(7.5)),
            ],
            [
                // (b) B resolves while A is re-sent resolved; (c) A fires again.
                Alert("b", "A", s, resolvedAt), Alert("b", "B", s, later), Alert("c", "A", refired),
            ],
        ];
    }

    private static JsonObject Alert(string scenario, string name, DateTimeOffset startsAt, DateTimeOffset? endsAt = null)
    {
        var alert = new JsonObject
        {
            ["labels"] = new JsonObject { ["alertname"] = name, ["scenario"] = scenario },
            ["startsAt"] = startsAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (endsAt is { } e)
        {
            alert["endsAt"] = e.ToString("O", CultureInfo.InvariantCulture);
        }
        return alert;
    }

    /// <summary>Each group's notifications in order, each as its status and its alerts (sorted, times parsed).</summary>
    private static Dictionary<string, List<string>> ByGroup(WebhookSink sink) =>
        sink.Delivered("/hook").Select(b => (Key: (string)b["groupLabels"]!["scenario"]!, Body: b))
            .Concat(sink.Delivered("/quiet").Select(b => (Key: b["groupLabels"]!["scenario"] + "/quiet", Body: b)))
            .GroupBy(x => x.Key, x => x.Body)
            .ToDictionary(g => g.Key, g => g.Select(Describe).ToList(), StringComparer.Ordinal);

    private static string Describe(JsonObject body)
    {
        var alerts = body["alerts"]!.AsArray()
            .Select(a => $"{a!["labels"]!["alertname"]} {a["status"]} {Time(a["startsAt"])}..{Time(a["endsAt"])}")
            .Order(StringComparer.Ordinal);
        return $"{body["status"]} truncated={body["truncatedAlerts"]}: {string.Join(", ", alerts)}";
    }

    // Both sides store microseconds at most; the comparison is of instants, not of their spelling.
    private static string Time(JsonNode? value) =>
        DateTimeOffset.Parse((string)value!, CultureInfo.InvariantCulture).UtcDateTime.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    private static string Config(string url) => $"""
        route:
          receiver: hook
          group_by: [scenario]
          group_wait: 1s
          group_interval: 2s
          repeat_interval: 1h
          routes:
            - matchers: ['scenario="h"']
              receiver: mixed
        receivers:
          - name: hook
            webhook_configs:
              - url: {url}
                send_resolved: true
          - name: mixed
            webhook_configs:
              - url: {url}
                send_resolved: true
              - url: {url[..^"/hook".Length]}/quiet
                send_resolved: false
        """;
}
