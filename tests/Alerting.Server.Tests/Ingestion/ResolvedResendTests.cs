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
        const string Member = "SELECT count(*) FROM group_members m JOIN alerts a ON a.fingerprint = m.fingerprint WHERE a.labels->>'instance' = 'a'";

        Assert.True((await host.PostJsonAsync("api/v2/alerts", Body("a", null))).IsSuccessStatusCode);
        Assert.True((await host.PostJsonAsync("api/v2/alerts", Body("b", null))).IsSuccessStatusCode);
        var resolvedBody = Body("a", time.GetUtcNow().AddSeconds(-1));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", resolvedBody)).IsSuccessStatusCode);

        // A flush told the resolution and took a out of the group; someone acknowledged the group.
        Assert.Equal(1L, await host.ScalarAsync<long>($"WITH d AS (DELETE FROM group_members m USING alerts a WHERE a.fingerprint = m.fingerprint AND a.labels->>'instance' = 'a' RETURNING 1) SELECT count(*) FROM d"));
        await host.ScalarAsync<long>("WITH u AS (UPDATE aggregation_groups SET acknowledged_at = now(), acknowledged_by = 'op' RETURNING 1) SELECT count(*) FROM u");
        var events = await host.CountAsync("alert_events");

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", resolvedBody)).IsSuccessStatusCode);
        Assert.Equal(1L, await host.ScalarAsync<long>(Member));
        Assert.Equal(time.GetUtcNow().UtcDateTime, await host.ScalarAsync<DateTime>(
            "SELECT m.added_at FROM group_members m JOIN alerts a ON a.fingerprint = m.fingerprint WHERE a.labels->>'instance' = 'a'"), TimeSpan.FromMilliseconds(1));
        Assert.Equal(events, await host.CountAsync("alert_events"));
        Assert.Equal("op", await host.ScalarAsync<string>("SELECT acknowledged_by FROM aggregation_groups"));

        // Once the group is gone, posting it again makes none.
        await host.ScalarAsync<long>("WITH d AS (DELETE FROM group_members RETURNING 1), g AS (DELETE FROM aggregation_groups RETURNING 1) SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM g)");
        Assert.True((await host.PostJsonAsync("api/v2/alerts", resolvedBody)).IsSuccessStatusCode);
        Assert.Equal(0L, await host.CountAsync("aggregation_groups"));
        Assert.Equal(0L, await host.CountAsync("group_members"));
    }
}
