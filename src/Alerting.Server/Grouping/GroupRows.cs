using Alerting.Core.Routing;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;
using static Alerting.Persistence.SqlArray;

namespace Alerting.Grouping;

/// <summary>
/// Every statement that writes groups and memberships (aggregation_groups, group_members, and an alert leaving its home
/// group, see <see cref="Memberships"/>): memberships and schedules
/// here, claims of due groups, acknowledgements and reconciliation in the other parts. Others add these statements to
/// their own batches and transactions.
/// </summary>
internal static partial class GroupRows
{
    /// <summary>
    /// The statement CTEs that put candidate memberships into groups, after a CTE <c>cand(k, rt, rc, gl, f, due, rj,
    /// home, new_home)</c> of them (from <see cref="GroupRouter.CandidatesFor"/>, with each new group's first flush): <c>g</c>
    /// makes the groups that are missing (not for rj: a resolved alert posted again, which only goes back into existing
    /// groups, see <c>rejoin</c>), returning their first flush; <c>mem</c> records the memberships that are new as
    /// group_members rows, returning them, except an alert's home (<see cref="Memberships"/>: home marks the candidate
    /// that is the alert's home already, new_home one the statement makes its home on the alert row it inserts);
    /// <c>ack</c> clears the acknowledgement of groups with a new member, which needs attention again.
    /// </summary>
    /// <param name="now">The statement's parameter holding the time on the instance's clock, e.g. "$8".</param>
    /// <param name="hold">
    /// Parameters (owner, until, the schedule's now) that lease each new group due at once to a holder, who frees it once
    /// every alert that should join it first is in (see Ingestion.AlertWriter); a null owner holds nothing.
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
            SELECT k, rt, min(rc), (array_agg(gl))[1]::jsonb, min(due), false, {{now}}, {{owner}}, {{until}}
            FROM cand WHERE NOT rj GROUP BY k, rt ORDER BY k, rt
            ON CONFLICT (group_key, route_id) DO NOTHING
            RETURNING group_key, route_id, next_flush_at, lease_owner IS NOT NULL AS held
        ), mem AS (
            INSERT INTO group_members (group_key, route_id, fingerprint, added_at)
            SELECT k, rt, f, {{now}} FROM cand WHERE NOT rj AND NOT home
            ON CONFLICT DO NOTHING
            RETURNING group_key, route_id, fingerprint
        ), rejoin AS (
            -- A resolved alert posted again is in its group as of now (Alertmanager's insert renews it), quietly: no
            -- history, and the acknowledgement stays. A row here overrides the alert's home in the same group.
            INSERT INTO group_members (group_key, route_id, fingerprint, added_at)
            SELECT k, rt, f, {{now}} FROM cand WHERE rj
            ON CONFLICT (group_key, route_id, fingerprint) DO UPDATE SET added_at = EXCLUDED.added_at
        ), ack AS (
            UPDATE aggregation_groups SET acknowledged_at = NULL, acknowledged_by = NULL
            WHERE (group_key, route_id) IN (SELECT group_key, route_id FROM mem UNION ALL SELECT k, rt FROM cand WHERE new_home)
              AND acknowledged_at IS NOT NULL
        )
        """;
    }

    /// <summary>
    /// Takes alerts out of groups: their group_members rows and their home. With <paramref name="resolvedAt"/> (a flush
    /// letting go of resolved alerts it told), only those still resolved then: one that fired again since the flush read
    /// it stays. Their alert rows are locked first, in key order, and read as they are now, not as the statement's
    /// snapshot had them (a row lock waits for a writer that is changing the row, then sees its change). A flush's
    /// removals are recorded in the history ("ungrouped") as they happen, not as the flush decided them.
    /// </summary>
    public static NpgsqlBatchCommand RemoveMembers(IReadOnlyList<(AggregationGroupId Group, long Fingerprint)> members, DateTimeOffset? resolvedAt = null)
    {
        // Without resolvedAt (a reconciliation), nothing is recorded, and the home's update is the statement itself.
        var recorded = resolvedAt is not null;
        var leave = AlertRows.LeaveHome("gone", "a.fingerprint = gone.f AND a.home_group_key = gone.g AND a.home_route_id = gone.r",
            returning: recorded ? "a.fingerprint AS f, gone.g" : null);
        var tail = !recorded ? leave : $"""
            , h AS (
                {leave}
            )
            {AlertEvents.InsertInto}
            SELECT f, $4, 'ungrouped', g, 'resolved and notified' FROM (SELECT f, g FROM d UNION SELECT f, g FROM h) x
            """;
        var cmd = new NpgsqlBatchCommand($"""
            WITH t AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(g, r, f)), still AS (
                SELECT a.fingerprint FROM alerts a WHERE a.fingerprint IN (SELECT f FROM t) AND ($4::timestamptz IS NULL OR a.ends_at <= $4)
                ORDER BY a.fingerprint FOR UPDATE
            ), gone AS (
                SELECT t.* FROM t JOIN still s ON s.fingerprint = t.f
            ), d AS (
                DELETE FROM group_members m USING gone WHERE m.group_key = gone.g AND m.route_id = gone.r AND m.fingerprint = gone.f
                {(recorded ? "RETURNING m.fingerprint AS f, m.group_key AS g" : "")}
            )
            {tail}
            """);
        cmd.Parameters.Add(Of(members.Select(r => r.Group.GroupKey).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Of(members.Select(r => r.Group.RouteId).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Of(members.Select(r => r.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)resolvedAt?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>A flushed group's next flush; its claim ends.</summary>
    public static NpgsqlBatchCommand Reschedule(IReadOnlyList<(AggregationGroupId Group, DateTimeOffset Next)> groups)
    {
        var cmd = new NpgsqlBatchCommand("""
            UPDATE aggregation_groups g SET next_flush_at = t.n, flushed_once = true, lease_owner = NULL, lease_until = NULL
            FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(k, r, n) WHERE g.group_key = t.k AND g.route_id = t.r
            """);
        cmd.Parameters.Add(Of(groups.Select(r => r.Group.GroupKey).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Of(groups.Select(r => r.Group.RouteId).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Of(groups.Select(r => r.Next.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
        return cmd;
    }

    /// <summary>Deletes those of the groups with no members and nothing in flight, as Alertmanager destroys empty groups.</summary>
    public static NpgsqlBatchCommand DeleteIfEmpty(IReadOnlyList<AggregationGroupId> groups)
    {
        var cmd = new NpgsqlBatchCommand("""
            DELETE FROM aggregation_groups g USING unnest($1::text[], $2::text[]) AS t(k, r)
            WHERE g.group_key = t.k AND g.route_id = t.r
              AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_key = g.group_key AND m.route_id = g.route_id)
              AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.home_group_key = g.group_key AND a.home_route_id = g.route_id)
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.group_key = g.group_key AND o.receiver = g.receiver)
            """);
        cmd.Parameters.Add(Of(groups.Select(g => g.GroupKey).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Of(groups.Select(g => g.RouteId).ToArray(), NpgsqlDbType.Text));
        return cmd;
    }

    /// <summary>Deletes groups and their memberships (their route went away).</summary>
    public static IEnumerable<NpgsqlBatchCommand> Delete(IReadOnlyList<AggregationGroupId> groups)
    {
        const string Groups = "unnest($1::text[], $2::text[]) AS t(k, r)";
        string[] statements =
        [
            $"DELETE FROM group_members x USING {Groups} WHERE x.group_key = t.k AND x.route_id = t.r",
            AlertRows.LeaveHome(Groups, "a.home_group_key = t.k AND a.home_route_id = t.r"),
            $"DELETE FROM aggregation_groups x USING {Groups} WHERE x.group_key = t.k AND x.route_id = t.r",
        ];
        foreach (var statement in statements)
        {
            var cmd = new NpgsqlBatchCommand(statement);
            cmd.Parameters.Add(Of(groups.Select(g => g.GroupKey).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Of(groups.Select(g => g.RouteId).ToArray(), NpgsqlDbType.Text));
            yield return cmd;
        }
    }
}
