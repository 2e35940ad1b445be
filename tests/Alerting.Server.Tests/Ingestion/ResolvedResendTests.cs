using System.Net;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

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

    /// <summary>
    /// A new alert's first group is kept on its alerts row (its home, Persistence/Memberships.cs). Whether an alert
    /// joining a group is at home already is decided from the row as the statement writes it, not as its snapshot read
    /// it: an alert firing again while a flush takes it out of its home must not be left in no group.
    /// </summary>
    [Fact]
    public async Task An_alert_firing_again_while_a_flush_takes_it_out_of_its_home_is_in_its_group()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AlertingTestHost.StartAsync(Config, time: time);
        var start = time.GetUtcNow().AddMinutes(-5);
        string Body(DateTimeOffset end) => $$"""[{"labels":{"alertname":"Race"},"startsAt":"{{start:O}}","endsAt":"{{end:O}}"}]""";
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", Body(time.GetUtcNow().AddSeconds(-1)))).StatusCode);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE home_group_key IS NOT NULL"));
        Assert.Equal(0L, await host.CountAsync("group_members"));

        // A flush that told the resolution takes the alert out of its home; its transaction is open when it fires again.
        await using var flush = new NpgsqlConnection(host.ConnectionString);
        await flush.OpenAsync();
        await using var tx = await flush.BeginTransactionAsync();
        await using (var leave = new NpgsqlCommand("UPDATE alerts SET home_group_key = NULL, home_route_id = NULL, home_added_at = NULL", flush, tx))
        {
            Assert.Equal(1, await leave.ExecuteNonQueryAsync());
        }
        var firing = host.PostJsonAsync("api/v2/alerts", Body(time.GetUtcNow().AddHours(1)));
        // The ingestion statement has read the row (at home) and waits for the flush's lock on it.
        await Eventually.EqualAsync(1L, () => host.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH i AS%'"));
        await tx.CommitAsync();

        Assert.Equal(HttpStatusCode.OK, (await firing).StatusCode);
        Assert.Equal(1L, await host.CountMembershipsAsync());
        Assert.Equal(1L, await host.CountAsync("group_members"));
    }
}
