using Alerting.Configuration;
using Alerting.Labels;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Grouping;

/// <summary>
/// Puts alerts into aggregation groups as Alertmanager's dispatcher does: every matching route gives a
/// group keyed by the route and the alert's group_by labels. Groups and memberships live in PostgreSQL
/// and are written in the ingestion transaction, so an acknowledged alert is always grouped.
/// </summary>
internal sealed class GroupRouter(ConfigHolder config, DispatchSignal signal, ScheduleClock schedule, ILogger<GroupRouter> log)
{
    /// <summary>
    /// Records groups, memberships and lifecycle events for written alerts. Returns true when a new group is due now.
    /// Only a new alert or one that fires again is grouped: any other written alert is in its groups already
    /// (reconciliation, with <paramref name="all"/>, regroups every alert after a reload).
    /// </summary>
    public async Task<bool> RouteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<ChangedAlert> changed, DateTimeOffset now, CancellationToken ct,
        bool all = false, (string Channel, string Payload)? notify = null)
    {
        if (changed.Count == 0)
        {
            return false;
        }
        var route = config.Current.Route;
        // Alert times are compared on the instance's clock; flushes are scheduled on the schedule's.
        var scheduleNow = schedule.Now;
        var groups = new Dictionary<string, NewGroup>(StringComparer.Ordinal);
        var memberKeys = new List<string>();
        var memberFps = new List<long>();
        var events = new EventBatch();
        foreach (var alert in changed)
        {
            var fp = unchecked((long)alert.Fingerprint);
            var firing = alert.EndsAt > now;
            if (alert.IsNew)
            {
                events.Add(fp, now, firing ? "received" : "received_resolved", null, null);
            }
            else if (alert.PreviousEndsAt <= now && firing)
            {
                events.Add(fp, now, "refired", null, null);
            }
            else
            {
                if (alert.PreviousEndsAt > now && !firing)
                {
                    events.Add(fp, now, "resolved", null, "resolved by its sender");
                }
                if (!all)
                {
                    continue;
                }
            }

            foreach (var r in route.Match(alert.Labels))
            {
                var groupLabels = r.GroupLabels(alert.Labels);
                var key = r.GroupKey(groupLabels);
                // Alertmanager flushes a new group at once when its first alert is older than group_wait.
                var due = alert.StartsAt + r.GroupWait <= now ? scheduleNow : scheduleNow + r.GroupWait;
                if (!groups.TryGetValue(key, out var g) || due < g.Due)
                {
                    groups[key] = new NewGroup(key, r.Id(), r.Receiver, groupLabels, due);
                }
                memberKeys.Add(key);
                memberFps.Add(fp);
            }
        }

        if (groups.Count == 0 && events.Count == 0 && notify is null)
        {
            return false;
        }
        // One statement, one round trip: groups, memberships, acknowledgements reset, history, and the
        // announcement to other instances. Events keep their order: lifecycle first, then "grouped".
        var list = groups.Values.ToList();
        await using var cmd = new NpgsqlCommand("""
            WITH g AS (
                INSERT INTO aggregation_groups (group_key, route_id, receiver, group_labels, next_flush_at, flushed_once, created_at)
                SELECT k, r, rc, gl, d, false, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[]) AS t(k, r, rc, gl, d)
                ON CONFLICT (group_key) DO NOTHING
                RETURNING next_flush_at
            ), m AS (
                INSERT INTO group_members (group_key, fingerprint, added_at)
                SELECT k, f, $6 FROM unnest($7::text[], $8::bigint[]) AS t(k, f)
                ON CONFLICT DO NOTHING
                RETURNING group_key, fingerprint
            ), ack AS (
                -- A new alert in an acknowledged group needs attention again.
                UPDATE aggregation_groups SET acknowledged_at = NULL, acknowledged_by = NULL
                WHERE group_key IN (SELECT group_key FROM m) AND acknowledged_at IS NOT NULL
            ), ev AS (
                INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
                SELECT f, a, e, gk, d FROM (
                    SELECT f, a, e, gk, d, o FROM unnest($9::bigint[], $10::timestamptz[], $11::text[], $12::text[], $13::text[])
                        WITH ORDINALITY AS t(f, a, e, gk, d, o)
                    UNION ALL
                    SELECT fingerprint, $6, 'grouped', group_key, NULL, 9223372036854775807 FROM m
                ) x ORDER BY o
            ), n AS (
                SELECT pg_notify($15, $16) WHERE $16 IS NOT NULL
            )
            SELECT (SELECT coalesce(bool_or(next_flush_at <= $14), false) FROM g), (SELECT count(*) FROM n)
            """, conn, tx);
        cmd.Parameters.Add(Array(list.Select(g => g.Key).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(list.Select(g => g.RouteId).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(list.Select(g => g.Receiver).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(list.Select(g => LabelJson.Write(g.Labels)).ToArray(), NpgsqlDbType.Jsonb));
        cmd.Parameters.Add(Array(list.Select(g => g.Due.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(Array(memberKeys.ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Array(memberFps.ToArray(), NpgsqlDbType.Bigint));
        events.AddParameters(cmd);
        // Due on the schedule's clock; PostgreSQL rounds to microseconds, possibly up: allow for it.
        cmd.Parameters.Add(new NpgsqlParameter { Value = scheduleNow.AddMilliseconds(1).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = notify?.Channel ?? "", NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)notify?.Payload ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && reader.GetBoolean(0);
    }

    public void SignalDue() => signal.Set();

    /// <summary>
    /// Brings memberships in line with the running route tree, after a reload or at start: alerts join
    /// the groups their routes now give, and groups of routes that no longer exist, or now send elsewhere, are dropped.
    /// The notification log is kept, so a reload sends no duplicates.
    /// </summary>
    public async Task ReconcileAsync(NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var runtime = config.Current;
        var now = time.GetUtcNow();
        var routes = runtime.Route.Walk().ToList();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        // A group goes with its route, and also when its route now sends to another receiver (same matchers, so the
        // same key): it is made again below for the new receiver, which is told as a new group, as in Alertmanager.
        var removed = 0;
        await using (var cmd = new NpgsqlCommand("""
            WITH gone AS (
                DELETE FROM aggregation_groups g
                WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::text[]) AS r(id, receiver) WHERE r.id = g.route_id AND r.receiver = g.receiver)
                RETURNING group_key)
            DELETE FROM group_members m USING gone WHERE m.group_key = gone.group_key
            """, conn, tx))
        {
            cmd.Parameters.Add(Array(routes.Select(r => r.Id()).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(routes.Select(r => r.Receiver).ToArray(), NpgsqlDbType.Text));
            removed = await cmd.ExecuteNonQueryAsync(ct);
        }

        // Memberships the running routes no longer give (the alert now matches another route) are dropped,
        // as Alertmanager rebuilds its groups from scratch on reload.
        var stale = new List<(string Group, long Fingerprint)>();
        await using (var cmd = new NpgsqlCommand("SELECT m.group_key, m.fingerprint, a.labels FROM group_members m JOIN alerts a USING (fingerprint)", conn, tx))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = reader.GetString(0);
                var labels = LabelJson.Read(reader.GetString(2));
                if (!runtime.Route.Match(labels).Any(r => r.GroupKey(r.GroupLabels(labels)) == key))
                {
                    stale.Add((key, reader.GetInt64(1)));
                }
            }
        }
        if (stale.Count > 0)
        {
            await using var cmd = new NpgsqlCommand("""
                DELETE FROM group_members m USING unnest($1::text[], $2::bigint[]) AS t(g, f) WHERE m.group_key = t.g AND m.fingerprint = t.f
                """, conn, tx);
            cmd.Parameters.Add(Array(stale.Select(s => s.Group).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(stale.Select(s => s.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
            removed += await cmd.ExecuteNonQueryAsync(ct);
        }

        var active = new List<ChangedAlert>();
        await using (var cmd = new NpgsqlCommand("SELECT fingerprint, labels, starts_at, ends_at FROM alerts WHERE ends_at > $1", conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var end = reader.GetFieldValue<DateTimeOffset>(3);
                // Not new and not a state change: only the grouping is wanted, without lifecycle events.
                active.Add(new ChangedAlert(unchecked((ulong)reader.GetInt64(0)), LabelJson.Read(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2), end, false, end));
            }
        }
        var dueNow = await RouteAsync(conn, tx, active, now, ct, all: true);
        await tx.CommitAsync(ct);
        if (dueNow)
        {
            signal.Set();
        }
        log.LogInformation("Groups reconciled with the route tree: {Alerts} active alerts routed, {Removed} memberships the routes no longer give dropped", active.Count, removed);
    }

    private static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType type) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | type };

    private sealed record NewGroup(string Key, string RouteId, string Receiver, LabelSet Labels, DateTimeOffset Due);
}
