using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications.Pipeline;
using Alerting.Infrastructure;
using Alerting.Outbox;
using Alerting.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Alerting.Flushing;

/// <summary>
/// The hand-off: on the in-memory bus a flush claims its new outbox rows for its own instance in its commit, with what
/// the send reads. A row that replaces the snapshot of one in flight stays with whoever holds it and is published.
/// </summary>
public sealed class FlushWritesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task New_rows_are_claimed_for_the_flushing_instance_with_what_their_send_reads_and_replaced_ones_are_published()
    {
        var (db, alert) = await SeedAsync();
        await using var _ = db;

        var work = new FlushWrites(Now);
        work.Send("{}:{team=\"a\"}", "a", Decision(alert), Snapshot("a", alert), Now.AddMinutes(5));
        work.Send("{}:{team=\"b\"}", "b", Decision(alert), Snapshot("b", alert), Now.AddMinutes(5));
        var commit = await work.CommitAsync(db, "me", [], CancellationToken.None);

        var handed = Assert.Single(commit.HandOffs);
        Assert.Equal(("{}:{team=\"a\"}", "a", 1, 0), (handed.Row.GroupKey, handed.Row.Receiver, handed.Row.Attempts, handed.Row.Version));
        Assert.Equal(Now.AddMinutes(-10), handed.Row.LastSentAt);
        Assert.Equal(("ops", Now.AddMinutes(-1)), handed.Acknowledged);
        Assert.Equal("https://grafana/d/1", handed.Grafana[Fingerprint.Format(alert.Fingerprint)].DashboardUrl);

        // b's row was in flight with another instance: it keeps it, with the new snapshot, and the bus is told.
        var published = Assert.Single(commit.Publish).Id;
        Assert.Equal(("other", 0, 1), await RowAsync(db, published));
        Assert.Equal(("me", 1, 0), await RowAsync(db, handed.Row.Id));
    }

    [Fact]
    public async Task Without_a_hand_off_new_rows_are_left_for_the_bus()
    {
        var (db, alert) = await SeedAsync();
        await using var _ = db;

        var work = new FlushWrites(Now);
        work.Send("{}:{team=\"a\"}", "a", Decision(alert), Snapshot("a", alert), Now.AddMinutes(5));
        var commit = await work.CommitAsync(db, handOffTo: null, [], CancellationToken.None);

        Assert.Empty(commit.HandOffs);
        Assert.Equal((null, 0, 0), await RowAsync(db, Assert.Single(commit.Publish).Id));
    }

    [Fact]
    public async Task A_row_keeps_the_trace_of_the_flush_that_wrote_it_and_its_message_carries_it()
    {
        var (db, alert) = await SeedAsync();
        await using var _ = db;
        using var flush = new System.Diagnostics.Activity("flush.decide").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
        flush.ActivityTraceFlags = System.Diagnostics.ActivityTraceFlags.Recorded;

        var work = new FlushWrites(Now);
        work.Send("{}:{team=\"a\"}", "a", Decision(alert), Snapshot("a", alert), Now.AddMinutes(5));
        flush.Stop();
        var commit = await work.CommitAsync(db, handOffTo: null, [], CancellationToken.None);

        var published = Assert.Single(commit.Publish);
        Assert.Equal(flush.Id, published.TraceParent);
        await using var cmd = db.CreateCommand($"SELECT trace_parent FROM outbox WHERE id = {published.Id}");
        Assert.Equal(flush.Id, await cmd.ExecuteScalarAsync());

        // Untraced, a later flush of the same target replaces the context with none.
        var again = new FlushWrites(Now);
        again.Send("{}:{team=\"a\"}", "a", Decision(alert), Snapshot("a", alert), Now.AddMinutes(6));
        Assert.Null(Assert.Single((await again.CommitAsync(db, handOffTo: null, [], CancellationToken.None)).Publish).TraceParent);
    }

    [Fact]
    public async Task Snapshots_past_an_inserts_share_of_alerts_go_in_several_inserts_of_one_commit_and_every_row_is_handed_off()
    {
        var (db, alert) = await SeedAsync();
        await using var _ = db;
        var perGroup = FlushWrites.MaxAlertsPerInsert / 2 + 1;
        var alerts = Enumerable.Range(0, perGroup)
            .Select(i => alert with { Labels = LabelSet.From(("alertname", "Disk"), ("team", "a"), ("disk", i.ToString(System.Globalization.CultureInfo.InvariantCulture))) })
            .ToList();

        var work = new FlushWrites(Now);
        var snapshots = new Dictionary<string, OutboxSnapshot>();
        foreach (var team in new[] { "c", "d", "e" })
        {
            var group = "{}:{team=\"" + team + "\"}";
            snapshots[group] = OutboxSnapshot.Create(team, group, LabelSet.From(("team", team)), alerts, Now);
            work.Send(group, team, new SendDecision("webhook[0]", alerts, alerts.Select(a => a.Fingerprint).ToHashSet(), new HashSet<ulong>(), "new alerts"), snapshots[group], Now.AddMinutes(5));
        }
        var commit = await work.CommitAsync(db, "me", [], CancellationToken.None);

        // Each snapshot takes more than half an insert's share: three inserts, all read, every row claimed here.
        Assert.Equal(["{}:{team=\"c\"}", "{}:{team=\"d\"}", "{}:{team=\"e\"}"], commit.HandOffs.Select(h => h.Row.GroupKey).Order());
        Assert.All(commit.HandOffs, h => Assert.Same(snapshots[h.Row.GroupKey], h.Snapshot));
        Assert.All(commit.HandOffs, h => Assert.Equal(perGroup, h.Row.Firing.Length));
        await using var cmd = db.CreateCommand("SELECT count(*) FROM outbox WHERE lease_owner = 'me' AND jsonb_array_length(payload->'Alerts') = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = perGroup });
        Assert.Equal(3L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public void Sends_are_cut_into_inserts_by_their_snapshots_alerts_and_a_large_snapshot_goes_alone()
    {
        var alert = new Alert(LabelSet.From(("alertname", "Disk")), LabelSet.Empty, Now, Now.AddHours(1), "", Now, false);
        OutboxSend Send(string group, int alerts) => new(group, "a", Decision(alert),
            OutboxSnapshot.Create("a", group, LabelSet.Empty, [.. Enumerable.Repeat(alert, alerts)], Now), Now.AddMinutes(5));
        var max = FlushWrites.MaxAlertsPerInsert;

        var chunks = FlushWrites.Chunks([Send("1", max - 1), Send("2", 1), Send("3", 1), Send("4", max + 5), Send("5", 2)]).ToList();

        Assert.Equal([["1", "2"], ["3"], ["4"], ["5"]], chunks.Select(c => c.Select(s => s.Group).ToArray()));
    }

    /// <summary>
    /// A flush lets go of the resolved alerts it told, but not of one that fired again since it read it: that one stays
    /// in its group, at home or in a group_members row, and its history has no "ungrouped".
    /// </summary>
    [Fact]
    public async Task Letting_go_of_told_resolved_alerts_keeps_one_that_fired_again_since()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using (var ctx = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql(connectionString).Options))
        {
            await ctx.Database.MigrateAsync();
        }
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using (var seed = db.CreateCommand("""
            WITH a AS (
                INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state,
                                    home_group_key, home_route_id, home_added_at)
                VALUES (1, '{"alertname":"Again"}', '{}', $1, $2, '', $1, false, 'api', 'firing', '{}:{}', '{}', $1),
                       (2, '{"alertname":"Done"}', '{}', $1, $1, '', $1, false, 'api', 'firing', '{}:{}', '{}', $1)
            )
            INSERT INTO group_members (group_key, route_id, fingerprint, added_at) VALUES ('{}:{}', '{}', 1, $1), ('{}:{}', '{}', 2, $1)
            """))
        {
            seed.Parameters.Add(new NpgsqlParameter { Value = Now.AddMinutes(-20) });
            seed.Parameters.Add(new NpgsqlParameter { Value = Now.AddHours(1) });
            await seed.ExecuteNonQueryAsync();
        }

        var work = new FlushWrites(Now);
        var group = new Core.Routing.AggregationGroupId("{}", "{}:{}");
        work.RemoveMember(group, 1);
        work.RemoveMember(group, 2);
        await work.CommitAsync(db, "me", [], CancellationToken.None);

        await using var cmd = db.CreateCommand($"SELECT string_agg(fingerprint::text, ',' ORDER BY fingerprint) FROM {Memberships.All} m");
        Assert.Equal("1", await cmd.ExecuteScalarAsync());
        await using var home = db.CreateCommand("SELECT string_agg(fingerprint::text, ',' ORDER BY fingerprint) FROM alerts WHERE home_group_key IS NOT NULL");
        Assert.Equal("1", await home.ExecuteScalarAsync());
        // Its history says the alert that left left, and nothing of the one that stayed.
        await using var history = db.CreateCommand("SELECT string_agg(fingerprint || ' ' || group_key, ',' ORDER BY fingerprint) FROM alert_events WHERE event = 'ungrouped'");
        Assert.Equal("2 {}:{}", await history.ExecuteScalarAsync());
    }

    private static SendDecision Decision(Alert alert) => new("webhook[0]", [alert], new HashSet<ulong> { alert.Fingerprint }, new HashSet<ulong>(), "new alerts");

    private static OutboxSnapshot Snapshot(string receiver, Alert alert) =>
        OutboxSnapshot.Create(receiver, "{}:{team=\"" + receiver + "\"}", LabelSet.From(("team", receiver)), [alert], Now);

    /// <summary>An alert from Grafana; group a acknowledged and told before; b's target with a row another instance is sending.</summary>
    private static async Task<(NpgsqlDataSource Db, Alert Alert)> SeedAsync()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using (var ctx = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql(connectionString).Options))
        {
            await ctx.Database.MigrateAsync();
        }
        var alert = new Alert(LabelSet.From(("alertname", "Disk"), ("team", "a")), LabelSet.Empty, Now.AddMinutes(-20), Now.AddHours(1), "", Now, false);
        var db = NpgsqlDataSource.Create(connectionString);
        await using var cmd = db.CreateCommand("""
            WITH a AS (
                INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state, extra)
                VALUES ($1, $2::jsonb, '{}', $3, $4, '', $3, false, 'api', 'firing', '{"dashboardURL": "https://grafana/d/1"}')
            ), g AS (
                INSERT INTO aggregation_groups (group_key, route_id, receiver, group_labels, next_flush_at, flushed_once, created_at, acknowledged_at, acknowledged_by)
                VALUES ('{}:{team="a"}', '{}/0', 'a', '{}', $3, true, $3, $5, 'ops')
            ), l AS (
                INSERT INTO notification_log (group_key, receiver, integration, firing_alerts, resolved_alerts, sent_at)
                VALUES ('{}:{team="a"}', 'a', 'webhook[0]', '{}', '{}', $6)
            )
            INSERT INTO outbox (group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, created_at, deadline, attempts, lease_owner, lease_until)
            VALUES ('{}:{team="b"}', 'b', 'webhook[0]', '{}', '{}', '{}', 'old', 0, $3, $4, 1, 'other', $4)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)alert.Fingerprint) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = LabelJson.Write(alert.Labels) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Now.AddMinutes(-20) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Now.AddHours(1) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Now.AddMinutes(-1) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Now.AddMinutes(-10) });
        await cmd.ExecuteNonQueryAsync();
        return (db, alert);
    }

    private static async Task<(string? Owner, int Attempts, int Version)> RowAsync(NpgsqlDataSource db, long id)
    {
        await using var cmd = db.CreateCommand("SELECT lease_owner, attempts, version FROM outbox WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
    }
}
