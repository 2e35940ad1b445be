using Alerting.Infrastructure;

namespace Alerting.Grouping;

/// <summary>A reload that keeps a route (same id, same receiver) but changes what it groups by.</summary>
public sealed class ReconciliationTests
{
    private static string Config(WebhookSink a, string groupBy) => $"""
        route:
          receiver: a
          group_wait: 0s
          group_interval: 1s
          group_by: [{groupBy}]
        receivers:
          - name: a
            webhook_configs:
              - url: {a.Url()}
        """;

    /// <summary>
    /// The alert's membership in its old group (its first group, kept on its alerts row) is one the route no longer
    /// gives: it is dropped, and the alert is in the new group alone, which tells it, as Alertmanager rebuilds its groups.
    /// </summary>
    [Fact]
    public async Task Reload_that_changes_group_by_moves_the_alert_out_of_its_first_group()
    {
        using var a = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(a, "alertname"));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Moved","team":"x"}}]""")).IsSuccessStatusCode);
        Assert.Equal("{}:{alertname=\"Moved\"}", (string)Assert.Single(await a.WaitForAsync(1))["groupKey"]!);

        await File.WriteAllTextAsync(host.ConfigPath, Config(a, "alertname, team"));
        Assert.True((await host.Client.PostAsync("-/reload", null)).IsSuccessStatusCode);

        Assert.Equal("{}:{alertname=\"Moved\", team=\"x\"}", (string)(await a.WaitForAsync(2))[1]["groupKey"]!);
        await Eventually.EqualAsync("{}:{alertname=\"Moved\", team=\"x\"}", () => host.ScalarAsync<string>(
            $"SELECT string_agg(group_key, ' | ') FROM {Persistence.Memberships.All} m"));
        await Eventually.EqualAsync(1L, () => host.CountAsync("aggregation_groups"));
    }
}
