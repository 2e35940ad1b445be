using Alerting.Configuration;
using Alerting.Labels;
using Alerting.Persistence;
using Alerting.Routing;
using Npgsql;
using NpgsqlTypes;
using Route = Alerting.Routing.Route;

namespace Alerting.Grouping;

/// <summary>
/// Puts alerts into aggregation groups as Alertmanager's dispatcher does: every matching route gives a
/// group keyed by the route and the alert's group_by labels. Groups and memberships live in PostgreSQL
/// and are written in the ingestion transaction, so an acknowledged alert is always grouped.
/// A group is identified by its route's id and its group key (<see cref="Route.GroupId"/>): sibling routes with
/// identical matchers share the key, yet each has its own group, as in Alertmanager.
/// </summary>
internal sealed class GroupRouter(ConfigHolder config, DispatchSignal signal, ScheduleClock schedule, ILogger<GroupRouter> log)
{
    /// <summary>
    /// Puts stored alerts into the groups the running routes give them (reconciliation): groups are made if missing,
    /// memberships, acknowledgement resets and "grouped" history are written, in one statement. Returns true when a
    /// new group is due now. Ingestion does the same for the alerts it writes, in its own statement.
    /// </summary>
    private async Task<bool> RegroupAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<(ulong, LabelSet, DateTimeOffset)> alerts, DateTimeOffset now, CancellationToken ct)
    {
        var candidates = CandidatesFor(alerts, now, _ => false);
        if (candidates.Fingerprints.Count == 0)
        {
            return false;
        }
        await using var cmd = new NpgsqlCommand($$"""
            WITH cand AS (
                SELECT t.k, t.rt, t.rc, t.gl, t.f, CASE WHEN a.starts_at + t.w <= $8 THEN $7 ELSE $7 + t.w END AS due
                FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::interval[]) AS t(f, k, rt, rc, gl, w)
                JOIN alerts a ON a.fingerprint = t.f
            ), {{JoinGroupsSql("$8")}}, ev AS (
                INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
                SELECT fingerprint, $8, 'grouped', group_key, NULL FROM mem
            )
            SELECT coalesce(bool_or(next_flush_at <= $9), false) FROM g
            """, conn, tx);
        candidates.AddParameters(cmd.Parameters);
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(candidates.DueNowParameter());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && reader.GetBoolean(0);
    }

    /// <summary>
    /// The statement CTEs that put candidate memberships into groups, after a CTE <c>cand(k, rt, rc, gl, f, due)</c>
    /// of them (from <see cref="CandidatesFor"/>, with each new group's first flush): <c>g</c> makes the groups that
    /// are missing, returning their first flush; <c>mem</c> records the memberships that are new, returning them;
    /// <c>ack</c> clears the acknowledgement of groups with a new member, which needs attention again.
    /// </summary>
    /// <param name="now">The statement's parameter holding the time on the instance's clock, e.g. "$8".</param>
    /// <param name="hold">
    /// Parameters (owner, until, the schedule's now) that lease each new group due at once to a holder, who frees it once
    /// every alert that should join it first is in (see <see cref="Persistence.AlertWriter"/>); a null owner holds nothing.
    /// </param>
    public static string JoinGroupsSql(string now, (string Owner, string Until, string DueNow)? hold = null)
    {
        var (owner, until) = hold is var (o, u, due)
            ? ($"CASE WHEN min(due) <= {due} THEN {o}::text END", $"CASE WHEN min(due) <= {due} AND {o}::text IS NOT NULL THEN {u}::timestamptz END")
            : ("NULL", "NULL::timestamptz");
        return $$"""
        g AS (
            INSERT INTO aggregation_groups (group_key, route_id, receiver, group_labels, next_flush_at, flushed_once, created_at, lease_owner, lease_until)
            -- In key order: a group another writer is creating is waited for, and waits never go round in a circle.
            SELECT k, rt, min(rc), (array_agg(gl))[1], min(due), false, {{now}}, {{owner}}, {{until}}
            FROM cand GROUP BY k, rt ORDER BY k, rt
            ON CONFLICT (group_key, route_id) DO NOTHING
            RETURNING group_key, route_id, next_flush_at, lease_owner IS NOT NULL AS held
        ), mem AS (
            INSERT INTO group_members (group_key, route_id, fingerprint, added_at)
            SELECT k, rt, f, {{now}} FROM cand
            ON CONFLICT DO NOTHING
            RETURNING group_key, route_id, fingerprint
        ), ack AS (
            UPDATE aggregation_groups SET acknowledged_at = NULL, acknowledged_by = NULL
            WHERE (group_key, route_id) IN (SELECT group_key, route_id FROM mem) AND acknowledged_at IS NOT NULL
        )
        """;
    }

    /// <summary>
    /// Every group each alert would join, by the running routes. Ingestion (<see cref="Persistence.AlertWriter"/>) keeps
    /// only those of alerts it wrote as new or firing again, and dates each new group's first flush from the stored
    /// start. <see cref="Candidates.MayBeDueNow"/> says whether one may be due at once: only an alert not
    /// <paramref name="knownFiring"/> can join a group, and only one older than its group_wait makes it due at once.
    /// </summary>
    public Candidates CandidatesFor(IEnumerable<(ulong Fingerprint, LabelSet Labels, DateTimeOffset StartsAt)> alerts, DateTimeOffset now,
        Func<ulong, bool> knownFiring)
    {
        var route = config.Current.Route;
        var c = new Candidates(schedule.Now);
        foreach (var (fingerprint, labels, startsAt) in alerts)
        {
            var mayJoin = !knownFiring(fingerprint);
            foreach (var r in route.Match(labels))
            {
                var groupLabels = r.GroupLabels(labels);
                var id = r.GroupId(groupLabels);
                c.Fingerprints.Add(unchecked((long)fingerprint));
                c.Keys.Add(id.GroupKey);
                c.Routes.Add(id.RouteId);
                c.Receivers.Add(r.Receiver);
                c.Labels.Add(LabelJson.Write(groupLabels));
                c.Waits.Add(r.GroupWait);
                // Alertmanager flushes a new group at once when its first alert is older than group_wait.
                c.MayBeDueNow |= mayJoin && startsAt + r.GroupWait <= now;
            }
        }
        return c;
    }

    public void SignalDue() => signal.Set();

    /// <summary>
    /// Brings memberships in line with the running route tree, after a reload or at start: alerts join
    /// the groups their routes now give, and groups of routes that no longer exist, or now send elsewhere, are dropped.
    /// The notification log is kept, so a reload sends no duplicates.
    /// <para>
    /// A route's id holds its position among its siblings, so a reload that inserts or removes a sibling before others
    /// changes their ids. Their groups then go with the old id (unless the route now at that id has the same receiver,
    /// when the group stays and only the memberships that route no longer gives are dropped) and are made again under
    /// the new id, due at once for alerts older than group_wait, as Alertmanager rebuilds every group on reload. What
    /// each receiver was told is kept by group key and receiver (the notification log, sends in flight in the outbox),
    /// neither of which holds the id: the remade group finds its firing alerts told, so nothing is sent twice. Resolved
    /// alerts whose group or membership was dropped are regrouped too (Alertmanager regroups every alert it still holds),
    /// so a resolution not sent yet goes out from the remade group rather than being lost. An acknowledgement, held by
    /// the group, is carried over to the group made again for the same key and receiver, unless that group holds an
    /// alert the acknowledged one did not (a new member clears an acknowledgement, as at ingestion).
    /// </para>
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
        // Alerts that lost a membership: if resolved, they are regrouped below with the active ones.
        var dropped = new List<long>();
        var acknowledged = new List<AcknowledgedMember>();
        await using (var cmd = new NpgsqlCommand("""
            WITH gone AS (
                DELETE FROM aggregation_groups g
                WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::text[]) AS r(id, receiver) WHERE r.id = g.route_id AND r.receiver = g.receiver)
                RETURNING group_key, route_id, receiver, acknowledged_at, acknowledged_by)
            DELETE FROM group_members m USING gone WHERE m.group_key = gone.group_key AND m.route_id = gone.route_id
            RETURNING m.fingerprint, gone.group_key, gone.receiver, gone.acknowledged_at, gone.acknowledged_by
            """, conn, tx))
        {
            cmd.Parameters.Add(SqlArray.Of(routes.Select(r => r.Id()).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(routes.Select(r => r.Receiver).ToArray(), NpgsqlDbType.Text));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                dropped.Add(reader.GetInt64(0));
                if (!reader.IsDBNull(3))
                {
                    acknowledged.Add(new(reader.GetString(1), reader.GetString(2), reader.GetDateTime(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(0)));
                }
            }
        }

        // Memberships the running routes no longer give (the alert now matches another route) are dropped,
        // as Alertmanager rebuilds its groups from scratch on reload.
        var stale = new List<(AggregationGroupId Group, long Fingerprint)>();
        await using (var cmd = new NpgsqlCommand("SELECT m.group_key, m.route_id, m.fingerprint, a.labels FROM group_members m JOIN alerts a USING (fingerprint)", conn, tx))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = new AggregationGroupId(reader.GetString(1), reader.GetString(0));
                var labels = LabelJson.Read(reader.GetString(3));
                if (!runtime.Route.Match(labels).Any(r => r.GroupId(r.GroupLabels(labels)) == id))
                {
                    stale.Add((id, reader.GetInt64(2)));
                }
            }
        }
        if (stale.Count > 0)
        {
            await using var cmd = new NpgsqlCommand("""
                DELETE FROM group_members m USING unnest($1::text[], $2::text[], $3::bigint[]) AS t(g, r, f)
                WHERE m.group_key = t.g AND m.route_id = t.r AND m.fingerprint = t.f
                """, conn, tx);
            cmd.Parameters.Add(SqlArray.Of(stale.Select(s => s.Group.GroupKey).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(stale.Select(s => s.Group.RouteId).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(stale.Select(s => s.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
            await cmd.ExecuteNonQueryAsync(ct);
            dropped.AddRange(stale.Select(s => s.Fingerprint));
        }

        var regroup = new List<(ulong, LabelSet, DateTimeOffset)>();
        await using (var cmd = new NpgsqlCommand("SELECT fingerprint, labels, starts_at, ends_at FROM alerts WHERE ends_at > $1 OR fingerprint = ANY($2)", conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(SqlArray.Of(dropped.Distinct().ToArray(), NpgsqlDbType.Bigint));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                regroup.Add((unchecked((ulong)reader.GetInt64(0)), LabelJson.Read(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }
        var dueNow = await RegroupAsync(conn, tx, regroup, now, ct);
        if (acknowledged.Count > 0)
        {
            await KeepAcknowledgementsAsync(conn, tx, acknowledged, ct);
        }
        await tx.CommitAsync(ct);
        if (dueNow)
        {
            signal.Set();
        }
        log.LogInformation("Groups reconciled with the route tree: {Alerts} alerts routed, {Removed} memberships the routes no longer give dropped", regroup.Count, dropped.Count);
    }

    /// <summary>
    /// Gives a group made again under a route's new id the acknowledgement of the group that went with the old id (same
    /// key and receiver, as an acknowledge link names them), when it holds no alert the acknowledged group did not.
    /// </summary>
    private static async Task KeepAcknowledgementsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<AcknowledgedMember> acknowledged, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            WITH old AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[]) AS t(k, rc, at, by, f)
            ), acks AS (
                SELECT DISTINCT ON (k, rc) k, rc, at, by FROM old ORDER BY k, rc, at DESC
            )
            UPDATE aggregation_groups g SET acknowledged_at = a.at, acknowledged_by = a.by
            FROM acks a
            WHERE g.group_key = a.k AND g.receiver = a.rc AND g.acknowledged_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM group_members m
                              WHERE m.group_key = g.group_key AND m.route_id = g.route_id
                                AND NOT EXISTS (SELECT 1 FROM old o WHERE o.k = a.k AND o.rc = a.rc AND o.f = m.fingerprint))
            """, conn, tx);
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.Key).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.Receiver).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.At).ToArray(), NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.By).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A member of an acknowledged group that a reload dropped, with the acknowledgement.</summary>
    private sealed record AcknowledgedMember(string Key, string Receiver, DateTime At, string? By, long Fingerprint);
}

/// <summary>Candidate memberships of alerts being written (<see cref="GroupRouter.CandidatesFor"/>), as statement parameters.</summary>
internal sealed class Candidates(DateTimeOffset scheduleNow)
{
    public DateTimeOffset ScheduleNow { get; } = scheduleNow;
    public List<long> Fingerprints { get; } = [];
    public List<string> Keys { get; } = [];
    public List<string> Routes { get; } = [];
    public List<string> Receivers { get; } = [];
    public List<string> Labels { get; } = [];
    public List<TimeSpan> Waits { get; } = [];
    public bool MayBeDueNow { get; set; }

    /// <summary>
    /// Adds, in this order, the six arrays <c>cand</c> unnests (fingerprint, key, route, receiver, group labels, group_wait)
    /// and the time on the schedule's clock its first flushes are dated from.
    /// </summary>
    public void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.Add(SqlArray.Of(Fingerprints.ToArray(), NpgsqlDbType.Bigint));
        parameters.Add(SqlArray.Of(Keys.ToArray(), NpgsqlDbType.Text));
        parameters.Add(SqlArray.Of(Routes.ToArray(), NpgsqlDbType.Text));
        parameters.Add(SqlArray.Of(Receivers.ToArray(), NpgsqlDbType.Text));
        parameters.Add(SqlArray.Of(Labels.ToArray(), NpgsqlDbType.Jsonb));
        parameters.Add(SqlArray.Of(Waits.ToArray(), NpgsqlDbType.Interval));
        parameters.Add(new NpgsqlParameter { Value = ScheduleNow.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    /// <summary>What a new group's first flush is compared with to tell it is due now; PostgreSQL rounds to microseconds, possibly up.</summary>
    public NpgsqlParameter DueNowParameter() =>
        new() { Value = ScheduleNow.AddMilliseconds(1).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
