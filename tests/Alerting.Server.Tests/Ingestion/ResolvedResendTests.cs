using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Ingestion;

/// <summary>
/// A resolved alert posted again (Prometheus re-sends them) goes back into the groups that still exist, as
/// Alertmanager inserts every posted alert, but quietly: no new group, no history, the acknowledgement kept.
/// What the notifications then carry is compared with Alertmanager in EndToEnd/GroupContentsDifferentialTests.
/// </summary>
public sealed class ResolvedResendTests
{
    private const string Config = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 1h
        receivers:
          - name: default
        """;

    [Fact]
    public async Task A_resolved_alert_posted_again_rejoins_its_existing_group_only()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AlertingTestHost.StartAsync(Config, time: time);
        var start = time.GetUtcNow().AddMinutes(-1);
        string Body(string instance, DateTimeOffset? end) =>
            $$"""[{"labels":{"alertname":"Rejoin","instance":"{{instance}}"},"startsAt":"{{start:O}}"{{(end is { } e ? $",\"endsAt\":\"{e:O}\"" : "")}}}]""";
        const string OfA = "m.fingerprint = (SELECT fingerprint FROM alerts WHERE labels->>'instance' = 'a')";

        Assert.True((await host.PostJsonAsync("api/v2/alerts", Body("a", null))).IsSuccessStatusCode);
        Assert.True((await host.PostJsonAsync("api/v2/alerts", Body("b", null))).IsSuccessStatusCode);
        var resolvedBody = Body("a", time.GetUtcNow().AddSeconds(-1));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", resolvedBody)).IsSuccessStatusCode);

        // A flush told the resolution and took a out of the group; someone acknowledged the group.
        Assert.Equal(1L, await host.ScalarAsync<long>("WITH d AS (UPDATE alerts SET home_group_key = NULL, home_route_id = NULL, home_added_at = NULL WHERE labels->>'instance' = 'a' AND home_group_key IS NOT NULL RETURNING 1) SELECT count(*) FROM d"));
        Assert.Equal(0L, await host.CountMembershipsAsync(OfA));
        await host.ScalarAsync<long>("WITH u AS (UPDATE aggregation_groups SET acknowledged_at = now(), acknowledged_by = 'op' RETURNING 1) SELECT count(*) FROM u");
        var events = await host.CountAsync("alert_events");

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", resolvedBody)).IsSuccessStatusCode);
        Assert.Equal(1L, await host.CountMembershipsAsync(OfA));
        Assert.Equal(time.GetUtcNow().UtcDateTime, await host.ScalarAsync<DateTime>(
            $"SELECT m.added_at FROM {Persistence.Memberships.All} m WHERE {OfA}"), TimeSpan.FromMilliseconds(1));
        Assert.Equal(events, await host.CountAsync("alert_events"));
        Assert.Equal("op", await host.ScalarAsync<string>("SELECT acknowledged_by FROM aggregation_groups"));

        // Once the group is gone, posting it again makes none.
        await host.ScalarAsync<long>("""
            WITH d AS (DELETE FROM group_members RETURNING 1), g AS (DELETE FROM aggregation_groups RETURNING 1),
                 h AS (UPDATE alerts SET home_group_key = NULL, home_route_id = NULL, home_added_at = NULL RETURNING 1)
            SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM g)
            """);
        Assert.True((await host.PostJsonAsync("api/v2/alerts", resolvedBody)).IsSuccessStatusCode);
        Assert.Equal(0L, await host.CountAsync("aggregation_groups"));
        Assert.Equal(0L, await host.CountMembershipsAsync());
    }

    /// <summary>
    /// Posted again while still in its group (its resolution not yet told), a resolved alert is there once, as of now:
    /// the group_members row the rejoin writes overrides the home kept on its alert row.
    /// </summary>
    [Fact]
    public async Task A_resolved_alert_posted_again_while_at_home_is_in_its_group_once_as_of_now()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AlertingTestHost.StartAsync(Config, time: time);
        var start = time.GetUtcNow().AddMinutes(-1);
        var resolved = $$"""[{"labels":{"alertname":"Home"},"startsAt":"{{start:O}}","endsAt":"{{time.GetUtcNow().AddSeconds(-1):O}}"}]""";
        Assert.True((await host.PostJsonAsync("api/v2/alerts", resolved)).IsSuccessStatusCode);
        var joined = await host.ScalarAsync<DateTime>("SELECT home_added_at FROM alerts");

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", resolved)).IsSuccessStatusCode);

        Assert.Equal(1L, await host.CountMembershipsAsync());
        Assert.Equal(joined, await host.ScalarAsync<DateTime>("SELECT home_added_at FROM alerts"));
        Assert.Equal(time.GetUtcNow().UtcDateTime, await host.ScalarAsync<DateTime>(
            $"SELECT m.added_at FROM {Persistence.Memberships.All} m"), TimeSpan.FromMilliseconds(1));
    }
}
