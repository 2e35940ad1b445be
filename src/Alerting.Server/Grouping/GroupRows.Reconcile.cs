using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Grouping;

/// <summary>The statements of <see cref="Reconciliation"/>.</summary>
internal static partial class GroupRows
{
    /// <summary>
    /// Deletes the groups of routes that no longer exist, or now send elsewhere, with their memberships; returns
    /// (fingerprint, group key, receiver, acknowledged at, by) per membership dropped.
    /// </summary>
    public static NpgsqlCommand DeleteGone(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<Route> routes)
    {
        var cmd = new NpgsqlCommand($$"""
            WITH gone AS (
                DELETE FROM aggregation_groups g
                WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::text[]) AS r(id, receiver) WHERE r.id = g.route_id AND r.receiver = g.receiver)
                RETURNING group_key, route_id, receiver, acknowledged_at, acknowledged_by
            ), members AS (
                DELETE FROM group_members m USING gone WHERE m.group_key = gone.group_key AND m.route_id = gone.route_id
                RETURNING m.fingerprint, gone.group_key, gone.receiver, gone.acknowledged_at, gone.acknowledged_by
            ), homes AS (
                {{AlertRows.LeaveHome("gone", "a.home_group_key = gone.group_key AND a.home_route_id = gone.route_id",
                    "a.fingerprint, gone.group_key, gone.receiver, gone.acknowledged_at, gone.acknowledged_by")}}
            )
            -- A rejoin's row and the home it overrides are one membership.
            SELECT * FROM members UNION SELECT * FROM homes
            """, conn, tx);
        cmd.Parameters.Add(SqlArray.Of(routes.Select(r => r.Id()).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(routes.Select(r => r.Receiver).ToArray(), NpgsqlDbType.Text));
        return cmd;
    }

    /// <summary>
    /// Puts the candidates into their groups (<see cref="JoinGroupsSql"/>) and records "grouped" in their history, dating
    /// each new group's first flush from the alert's stored start. Returns one row: whether a new group is due now.
    /// </summary>
    public static NpgsqlCommand Regroup(NpgsqlConnection conn, NpgsqlTransaction tx, Candidates candidates, DateTimeOffset now)
    {
        var cmd = new NpgsqlCommand($$"""
            WITH cand AS (
                SELECT t.k, t.rt, t.rc, t.gl::jsonb AS gl, t.f, CASE WHEN a.starts_at + t.w <= $8 THEN $7 ELSE $7 + t.w END AS due, false AS rj,
                       coalesce(a.home_group_key = t.k AND a.home_route_id = t.rt, false) AS home, false AS new_home
                FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::interval[]) AS t(f, k, rt, rc, gl, w)
                JOIN alerts a ON a.fingerprint = t.f
            ), {{JoinGroupsSql("$8")}}, ev AS (
                {{AlertEvents.InsertInto}}
                SELECT fingerprint, $8, 'grouped', group_key, NULL FROM mem
            )
            SELECT coalesce(bool_or(next_flush_at <= $9), false) FROM g
            """, conn, tx);
        candidates.AddParameters(cmd.Parameters);
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(candidates.DueNowParameter());
        return cmd;
    }

    /// <summary>
    /// Gives a group made again under a route's new id the acknowledgement of the group that went with the old id (same
    /// key and receiver, as an acknowledge link names them), when it holds no alert the acknowledged group did not.
    /// </summary>
    public static NpgsqlCommand KeepAcknowledgements(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<(string Key, string Receiver, DateTime At, string? By, long Fingerprint)> acknowledged)
    {
        var cmd = new NpgsqlCommand($"""
            WITH old AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[]) AS t(k, rc, at, by, f)
            ), acks AS (
                SELECT DISTINCT ON (k, rc) k, rc, at, by FROM old ORDER BY k, rc, at DESC
            )
            UPDATE aggregation_groups g SET acknowledged_at = a.at, acknowledged_by = a.by
            FROM acks a
            WHERE g.group_key = a.k AND g.receiver = a.rc AND g.acknowledged_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM {Memberships.All} m
                              WHERE m.group_key = g.group_key AND m.route_id = g.route_id
                                AND NOT EXISTS (SELECT 1 FROM old o WHERE o.k = a.k AND o.rc = a.rc AND o.f = m.fingerprint))
            """, conn, tx);
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.Key).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.Receiver).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.At).ToArray(), NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.By).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(acknowledged.Select(a => a.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
        return cmd;
    }
}
