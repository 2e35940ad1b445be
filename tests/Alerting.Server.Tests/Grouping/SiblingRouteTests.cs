using System.Text.Json.Nodes;
using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Alerting.Links;
using Microsoft.Extensions.DependencyInjection;

namespace Alerting.Grouping;

/// <summary>
/// Sibling routes with identical matchers have the same Alertmanager key, yet Alertmanager keeps a group per route:
/// each route's receiver is told, under the same groupKey.
/// </summary>
public sealed class SiblingRouteTests
{
    private const string RouteC = """

            - receiver: c
              matchers: [team="x"]
              continue: true
        """;

    private static string Config(WebhookSink a, WebhookSink b, WebhookSink? c = null, string groupInterval = "1s") => $$"""
        route:
          receiver: default
          group_wait: 0s
          group_interval: {{groupInterval}}
          routes:{{(c is null ? "" : RouteC)}}
            - receiver: a
              matchers: [team="x"]
              continue: true
            - receiver: b
              matchers: [team="x"]
        receivers:
          - name: default
          - name: a
            webhook_configs:
              - url: {{a.Url()}}
          - name: b
            webhook_configs:
              - url: {{b.Url()}}
          - name: c
            webhook_configs:
              - url: {{(c ?? a).Url("/c")}}
        """;

    private const string Alert = """[{"labels":{"alertname":"Dup","team":"x"}}]""";

    /// <summary>Posts the alert and waits until routes a and b are told; returns a's notification.</summary>
    private static async Task<JsonObject> PostAndWaitAsync(AlertingTestHost host, WebhookSink a, WebhookSink b)
    {
        Assert.True((await host.PostJsonAsync("api/v2/alerts", Alert)).IsSuccessStatusCode);
        var toA = Assert.Single(await a.WaitForAsync(1));
        await b.WaitForAsync(1);
        return toA;
    }

    /// <summary>Follows the acknowledge link that a's notification carries, which names a's group key and receiver a.</summary>
    private static async Task AcknowledgeAsync(AlertingTestHost host, JsonObject toA, string name)
    {
        var links = await host.Server.Services.GetRequiredService<LinkSigner>()
            .ForGroupAsync((string)toA["groupKey"]!, "a", LabelSet.Empty, host.BaseAddress.ToString(), CancellationToken.None);
        var done = await host.Client.PostAsync(new Uri(links.Acknowledge).PathAndQuery.TrimStart('/'), new FormUrlEncodedContent([new("name", name)]));
        Assert.True(done.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Sibling_routes_with_identical_matchers_each_notify_their_receiver_from_their_own_group()
    {
        using var a = new WebhookSink();
        using var b = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(a, b));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", Alert)).IsSuccessStatusCode);

        var toA = Assert.Single(await a.WaitForAsync(1));
        var toB = Assert.Single(await b.WaitForAsync(1));
        Assert.Equal("a", (string)toA["receiver"]!);
        Assert.Equal("b", (string)toB["receiver"]!);
        // What receivers see stays Alertmanager's key, the same for both routes.
        Assert.Equal("{}/{team=\"x\"}:{}", (string)toA["groupKey"]!);
        Assert.Equal("{}/{team=\"x\"}:{}", (string)toB["groupKey"]!);

        var groups = await host.GetArrayAsync("api/v2/alerts/groups");
        Assert.Equal(["a", "b"], groups.Select(g => (string)g!["receiver"]!["name"]!));
        Assert.All(groups, g => Assert.Equal("Dup", (string)g!["alerts"]![0]!["labels"]!["alertname"]!));
        Assert.Equal(2L, await host.CountAsync("aggregation_groups"));
        Assert.Equal(2L, await host.CountMembershipsAsync());

        // Exactly once each: later flushes (group_interval 1s) find everything told.
        await Task.Delay(2500);
        Assert.Single(a.Delivered());
        Assert.Single(b.Delivered());
    }

    [Fact]
    public async Task Groups_api_lists_a_group_per_route_even_with_the_same_receiver()
    {
        using var a = new WebhookSink();
        using var b = new WebhookSink();
        // Both routes send to a: Alertmanager's API lists two groups with the same labels and receiver.
        await using var host = await AlertingTestHost.StartAsync(Config(a, b).Replace("- receiver: b", "- receiver: a", StringComparison.Ordinal));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", Alert)).IsSuccessStatusCode);

        var groups = await host.GetArrayAsync("api/v2/alerts/groups");
        Assert.Equal(["a", "a"], groups.Select(g => (string)g!["receiver"]!["name"]!));
        Assert.All(groups, g => Assert.Empty(g!["labels"]!.AsObject()));
        await Eventually.EqualAsync(2L, () => host.CountAsync("aggregation_groups"));
        // They share Alertmanager's notification log entry (keyed by group key and receiver): told once.
        await a.WaitForAsync(1);
        await Task.Delay(2500);
        Assert.Single(a.Delivered());
        Assert.Empty(b.Delivered());
    }

    [Fact]
    public async Task Reload_that_inserts_a_sibling_before_them_tells_only_the_new_route()
    {
        using var a = new WebhookSink();
        using var b = new WebhookSink();
        using var c = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(a, b));
        await PostAndWaitAsync(host, a, b);

        // c goes first: a and b move from index 0 and 1 to 1 and 2, so their route ids change.
        await File.WriteAllTextAsync(host.ConfigPath, Config(a, b, c));
        Assert.True((await host.Client.PostAsync("-/reload", null)).IsSuccessStatusCode);
        var toC = Assert.Single(await c.WaitForAsync(1, path: "/c"));
        Assert.Equal("{}/{team=\"x\"}:{}", (string)toC["groupKey"]!);
        await Eventually.EqualAsync(3L, () => host.CountAsync("aggregation_groups"));
        await Task.Delay(2500);
        // a and b keep their notification log (group key and receiver): nothing is sent to them twice.
        Assert.Single(a.Delivered());
        Assert.Single(b.Delivered());
        Assert.Single(c.Delivered());
        var ids = await host.ScalarAsync<string>("SELECT string_agg(route_id || ' ' || receiver, ', ' ORDER BY route_id) FROM aggregation_groups");
        Assert.Equal("{}/{team=\"x\"}/0 c, {}/{team=\"x\"}/1 a, {}/{team=\"x\"}/2 b", ids);

        // Resolving tells each receiver once more.
        await host.PostJsonAsync("api/v2/alerts", $$"""[{"labels":{"alertname":"Dup","team":"x"},"endsAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}"}]""");
        foreach (var (sink, path) in new[] { (a, "/hook"), (b, "/hook"), (c, "/c") })
        {
            Assert.Equal("resolved", (string)(await sink.WaitForAsync(2, path: path))[1]["status"]!);
        }
        await Task.Delay(1500);
        Assert.Equal([2, 2, 2], new[] { a, b, c }.Select(s => s.Delivered().Count));
        await Eventually.EqualAsync(0L, () => host.CountAsync("aggregation_groups"));
    }

    [Fact]
    public async Task Reload_that_shifts_the_routes_before_a_resolution_is_sent_still_sends_it()
    {
        using var a = new WebhookSink();
        using var b = new WebhookSink();
        using var c = new WebhookSink();
        // The resolution would go out at the next group_interval tick, a minute away: the reload comes first.
        await using var host = await AlertingTestHost.StartAsync(Config(a, b, groupInterval: "1m"));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", Alert)).IsSuccessStatusCode);
        await a.WaitForAsync(1);
        await b.WaitForAsync(1);
        await host.PostJsonAsync("api/v2/alerts", $$"""[{"labels":{"alertname":"Dup","team":"x"},"endsAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}"}]""");

        await File.WriteAllTextAsync(host.ConfigPath, Config(a, b, c, groupInterval: "1m"));
        Assert.True((await host.Client.PostAsync("-/reload", null)).IsSuccessStatusCode);
        // a's and b's groups went with their old ids; the groups made again under the new ones send the resolution.
        Assert.Equal("resolved", (string)(await a.WaitForAsync(2, TimeSpan.FromSeconds(10)))[1]["status"]!);
        Assert.Equal("resolved", (string)(await b.WaitForAsync(2, TimeSpan.FromSeconds(10)))[1]["status"]!);
        // c never knew the alert fired: it is not told it resolved, and its group lets go of the alert at once.
        await Eventually.EqualAsync(0L, () => host.ScalarAsync<long>("SELECT count(*) FROM aggregation_groups WHERE receiver = 'c'"));
        Assert.Empty(c.Delivered());
        Assert.Equal(2, a.Delivered().Count);
        Assert.Equal(2, b.Delivered().Count);
    }

    [Fact]
    public async Task Acknowledging_the_group_for_one_receiver_leaves_the_sibling_routes_group_alone()
    {
        using var a = new WebhookSink();
        using var b = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(a, b));
        var toA = await PostAndWaitAsync(host, a, b);

        await AcknowledgeAsync(host, toA, "Ana");

        Assert.Equal("a", await host.ScalarAsync<string>("SELECT string_agg(receiver, ',') FROM aggregation_groups WHERE acknowledged_at IS NOT NULL"));
        var groups = await host.GetArrayAsync("api/v2/alerts/groups");
        Assert.Equal("Ana", (string)groups.Single(g => (string)g!["receiver"]!["name"]! == "a")!["acknowledgement"]!["by"]!);
        Assert.Null(groups.Single(g => (string)g!["receiver"]!["name"]! == "b")!["acknowledgement"]);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM alert_events WHERE event = 'acknowledged'"));
    }

    /// <summary>
    /// A reload that inserts a sibling moves a's route to a new id, so a's group is made again under it. The person who
    /// acknowledged it must not be asked again: the acknowledgement goes to the remade group. A group that then gains an
    /// alert the acknowledged one did not hold needs attention again, as at ingestion.
    /// </summary>
    [Fact]
    public async Task An_acknowledgement_survives_a_reload_that_moves_its_route_to_a_new_id()
    {
        using var a = new WebhookSink();
        using var b = new WebhookSink();
        using var c = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(a, b));
        var toA = await PostAndWaitAsync(host, a, b);
        await AcknowledgeAsync(host, toA, "Ana");

        await File.WriteAllTextAsync(host.ConfigPath, Config(a, b, c));
        Assert.True((await host.Client.PostAsync("-/reload", null)).IsSuccessStatusCode);

        await Eventually.EqualAsync(3L, () => host.CountAsync("aggregation_groups"));
        Assert.Equal("{}/{team=\"x\"}/1 a Ana", await host.ScalarAsync<string>(
            "SELECT string_agg(route_id || ' ' || receiver || ' ' || acknowledged_by, ', ') FROM aggregation_groups WHERE acknowledged_at IS NOT NULL"));
        var groups = await host.GetArrayAsync("api/v2/alerts/groups");
        Assert.Equal("Ana", (string)groups.Single(g => (string)g!["receiver"]!["name"]! == "a")!["acknowledgement"]!["by"]!);

        // A new alert in the group clears it.
        Assert.True((await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Other","team":"x"}}]""")).IsSuccessStatusCode);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM aggregation_groups WHERE acknowledged_at IS NOT NULL"));
    }
}
