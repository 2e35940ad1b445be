using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>
/// The statements that write the alerts table: the ingestion's upsert (<see cref="UpsertCte"/>) and what follows it, the
/// notification state.
/// </summary>
internal static class AlertRows
{
    /// <summary>
    /// The ingestion's write, as a CTE <c>written</c> of its statement, after a CTE <c>merged</c> of the incoming rows
    /// merged with the stored ones by Alertmanager's rules: new alerts and real changes are written, and an end that only
    /// moved forward a little (by at most <paramref name="maxLag"/>, and a quarter of the time left) is left as stored.
    /// <c>merged</c> also carries a new alert's <c>first_event</c>, <c>first_group_key</c> and <c>first_route</c>: its
    /// arrival is kept on its row (first_seen_at), not in alert_events, and its first group is its home (see
    /// <see cref="Memberships"/>), written only with a new row: a row another instance inserted meanwhile keeps its own.
    /// Returns the written rows' fingerprint, start, end and home: the row as it is now, which may differ from what
    /// the statement's snapshot read (a flush that took the alert out of its home meanwhile, another instance's insert).
    /// </summary>
    /// <param name="now">The statement's parameter holding the time, e.g. "$11".</param>
    /// <param name="maxLag">The parameter holding the largest lag an end may have (<c>EndsAtLag.MaxLag</c>).</param>
    public static string UpsertCte(string now, string maxLag) => $"""
        written AS (
        INSERT INTO alerts AS a (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, extra, state, state_changed_at,
                                 first_seen_at, first_event, first_group_key, home_group_key, home_route_id, home_added_at)
        SELECT fp, labels, ann, starts, ends, gen, upd, timeout, source, extra, 'pending', {now},
               CASE WHEN is_new THEN {now} END, first_event, first_group_key,
               first_group_key, first_route, CASE WHEN first_group_key IS NOT NULL THEN {now} END
        FROM merged
        WHERE is_new OR (ann, starts, gen, timeout, source, extra)
              IS DISTINCT FROM (s_ann, s_starts, s_gen, s_timeout, s_source, s_extra)
           OR NOT (ends = s_ends
                   OR (s_ends > {now} AND ends > s_ends AND ends - s_ends <= {maxLag} AND ends - s_ends <= (ends - {now}) / 4))
        ON CONFLICT (fingerprint) DO UPDATE SET
            labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, starts_at = EXCLUDED.starts_at,
            ends_at = EXCLUDED.ends_at, generator_url = EXCLUDED.generator_url, updated_at = EXCLUDED.updated_at,
            timeout = EXCLUDED.timeout, source = EXCLUDED.source, extra = EXCLUDED.extra,
            -- A resolved alert that fires again starts a new life: pending until its group flushes.
            state = CASE WHEN a.ends_at <= {now} AND EXCLUDED.ends_at > {now} THEN 'pending' ELSE a.state END,
            state_changed_at = CASE WHEN a.ends_at <= {now} AND EXCLUDED.ends_at > {now} THEN {now} ELSE a.state_changed_at END,
            -- Only a row another instance inserted meanwhile is new here and stored: the first arrival stays.
            first_seen_at = coalesce(a.first_seen_at, EXCLUDED.first_seen_at),
            first_event = CASE WHEN a.first_seen_at IS NULL THEN EXCLUDED.first_event ELSE a.first_event END,
            first_group_key = CASE WHEN a.first_seen_at IS NULL THEN EXCLUDED.first_group_key ELSE a.first_group_key END
        RETURNING fingerprint, starts_at, ends_at, home_group_key, home_route_id
        """;

    /// <summary>
    /// A statement (or a CTE's body) that takes alerts out of their home groups (<see cref="Memberships"/>):
    /// <paramref name="from"/> names the rows that say which, <paramref name="where"/> matches them to the alert row
    /// <c>a</c>; <paramref name="returning"/> what it returns, if anything.
    /// </summary>
    public static string LeaveHome(string from, string where, string? returning = null) => $"""
        UPDATE alerts a SET home_group_key = NULL, home_route_id = NULL, home_added_at = NULL
        FROM {from} WHERE a.home_group_key IS NOT NULL AND {where}{(returning is null ? "" : $"\nRETURNING {returning}")}
        """;

    /// <summary>
    /// Alerts told as firing: pending ones become firing, with their history. One element per alert and send (the send's
    /// group and the event's detail); an alert in two sends changes once, and its event names the first of them.
    /// </summary>
    public static NpgsqlBatchCommand MarkNotified(long[] firing, string[] groupKeys, string[] details, DateTimeOffset now)
    {
        var cmd = new NpgsqlBatchCommand($"""
            WITH t AS (
                SELECT DISTINCT ON (f) f, g, d FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS u(f, g, d, n) ORDER BY f, n),
            changed AS (
                -- Told as firing, even if it resolved while the message was on its way: the resolution follows.
                UPDATE alerts a SET state = 'firing', state_changed_at = $4
                FROM t WHERE a.fingerprint = t.f AND a.state = 'pending'
                RETURNING a.fingerprint, t.g, t.d)
            {AlertEvents.InsertInto} SELECT fingerprint, $4, 'firing', g, d FROM changed
            """);
        cmd.Parameters.Add(SqlArray.Of(firing, NpgsqlDbType.Bigint));
        cmd.Parameters.Add(SqlArray.Of(groupKeys, NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(details, NpgsqlDbType.Text));
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>Sets alerts' states (suppressed, unsuppressed) where they changed.</summary>
    public static NpgsqlBatchCommand SetStates(long[] fingerprints, string[] states, DateTimeOffset now)
    {
        var cmd = new NpgsqlBatchCommand("""
            UPDATE alerts a SET state = t.s, state_changed_at = $3
            FROM unnest($1::bigint[], $2::text[]) AS t(f, s) WHERE a.fingerprint = t.f AND a.state <> t.s
            """);
        cmd.Parameters.Add(SqlArray.Of(fingerprints, NpgsqlDbType.Bigint));
        cmd.Parameters.Add(SqlArray.Of(states, NpgsqlDbType.Text));
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>
    /// Resolved alerts that ended before the cutoff and that no group holds any more, once the arrival kept on their row
    /// (history, see <see cref="UpsertCte"/>) is older than the cutoff too.
    /// </summary>
    public static NpgsqlBatchCommand DeleteResolvedBefore(DateTimeOffset cutoff)
    {
        var cmd = new NpgsqlBatchCommand("""
            DELETE FROM alerts a WHERE a.ends_at < $1 AND (a.first_seen_at IS NULL OR a.first_seen_at < $1)
              AND a.home_group_key IS NULL AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.fingerprint = a.fingerprint)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>The arrivals kept on alert rows that are older than the cutoff: history, dropped as alert_events rows are.</summary>
    public static NpgsqlBatchCommand ForgetArrivalsBefore(DateTimeOffset cutoff)
    {
        var cmd = new NpgsqlBatchCommand("UPDATE alerts SET first_seen_at = NULL, first_event = NULL, first_group_key = NULL WHERE first_seen_at < $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }
}
