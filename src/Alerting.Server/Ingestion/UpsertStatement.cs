using Alerting.Grouping;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Ingestion;

/// <summary>
/// Upsert and grouping in one statement. The merge follows Alertmanager's rules; an end that only moved forward a
/// little is left as stored (<see cref="EndsAtLag"/>, the same rule in C#). Of the written alerts, the new ones and
/// those firing again join the candidate groups (<see cref="GroupRouter.CandidatesFor"/>): groups are made if missing
/// (first flush after group_wait from the stored start, or at once, as Alertmanager does for an alert older than
/// group_wait), memberships, acknowledgement resets and history are written, lifecycle events first.
/// Each input row answers: its stored start and end, and whether a new group is due now.
/// </summary>
internal static class UpsertStatement
{
    private static readonly string Sql = $$"""
        WITH i AS (
            SELECT fp, labels::jsonb AS labels, ann::jsonb AS ann, starts, ends, gen, upd, timeout, source, extra::jsonb AS extra, first_k, first_rt, ord
            FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                        $6::text[], $7::timestamptz[], $8::boolean[], $9::text[], $10::text[], $25::text[], $26::text[]) WITH ORDINALITY
                AS t(fp, labels, ann, starts, ends, gen, upd, timeout, source, extra, first_k, first_rt, ord)
        ), t AS (
            -- Group labels stay text here: only a group that is new parses them (GroupRows.JoinGroupsSql).
            SELECT f, k, rt, rc, gl, w
            FROM unnest($13::bigint[], $14::text[], $15::text[], $16::text[], $17::text[], $18::interval[]) AS t(f, k, rt, rc, gl, w)
        ), m AS (
            SELECT i.*, s.fingerprint IS NULL AS is_new,
                   s.annotations AS s_ann, s.starts_at AS s_starts, s.ends_at AS s_ends, s.generator_url AS s_gen,
                   s.timeout AS s_timeout, s.source AS s_source, s.extra AS s_extra,
                   (s.fingerprint IS NOT NULL AND ((i.ends > s.starts_at AND i.ends < s.ends_at)
                       OR (i.starts > s.starts_at AND i.starts < s.ends_at))) AS is_overlap
            FROM i LEFT JOIN alerts s ON s.fingerprint = i.fp
        ), merged AS (
            SELECT fp, ord, labels, ann, gen, upd, timeout, source, extra, is_new,
                   -- A new alert's arrival and first group go on its row, not into a history row of their own.
                   CASE WHEN is_new THEN CASE WHEN ends > $11 THEN 'received' ELSE 'received_resolved' END END AS first_event,
                   CASE WHEN is_new THEN first_k END AS first_group_key,
                   -- Its first group is also its home, on its row (Memberships): no group_members row.
                   CASE WHEN is_new THEN first_rt END AS first_route,
                   s_ann, s_starts, s_ends, s_gen, s_timeout, s_source, s_extra,
                   CASE WHEN is_overlap AND s_starts < starts THEN s_starts ELSE starts END AS starts,
                   CASE
                       WHEN NOT is_overlap THEN ends
                       WHEN ends <= $11 THEN CASE WHEN s_ends <= $11 AND s_ends > ends THEN s_ends ELSE ends END
                       WHEN s_ends > ends AND NOT s_timeout THEN s_ends
                       ELSE ends
                   END AS ends
            FROM m
        ), {{AlertRows.UpsertCte("$11", "$12")}}
        ), r AS (
            SELECT m.ord, m.fp, w.fingerprint IS NOT NULL AS wrote, coalesce(w.starts_at, m.s_starts) AS starts,
                   coalesce(w.ends_at, m.s_ends) AS ends, m.is_new, m.s_ends AS prev_ends,
                   w.home_group_key AS home_k, w.home_route_id AS home_rt
            FROM merged m LEFT JOIN written w ON w.fingerprint = m.fp
        ), life AS (
            SELECT ord, fp, starts, is_new, home_k, home_rt,
                   CASE WHEN is_new THEN CASE WHEN ends > $11 THEN 'received' ELSE 'received_resolved' END
                        WHEN prev_ends <= $11 AND ends > $11 THEN 'refired'
                        WHEN prev_ends > $11 AND ends <= $11 THEN 'resolved' END AS event,
                   is_new OR (prev_ends <= $11 AND ends > $11) AS joins
            FROM r WHERE wrote
        ), cand AS (
            SELECT t.k, t.rt, t.rc, t.gl, t.f,
                   CASE WHEN l.starts + t.w <= $11 THEN $19 ELSE $19 + t.w END AS due, false AS rj,
                   -- The home as written, not as the snapshot read it: what a flush or another instance left there.
                   coalesce(t.k = l.home_k AND t.rt = l.home_rt, false) AS home,
                   coalesce(l.is_new AND t.k = l.home_k AND t.rt = l.home_rt, false) AS new_home
            FROM t JOIN life l ON l.fp = t.f AND l.joins
            UNION ALL
            -- A resolved alert posted again (Prometheus re-sends them) goes back into its existing groups, written or
            -- not, as Alertmanager inserts every posted alert: the group's next resolved notification carries it.
            SELECT t.k, t.rt, t.rc, t.gl, t.f, $19, true, false, false
            FROM t JOIN r ON r.fp = t.f AND NOT r.is_new AND r.prev_ends <= $11 AND r.ends <= $11
            WHERE EXISTS (SELECT 1 FROM aggregation_groups ag WHERE ag.group_key = t.k AND ag.route_id = t.rt)
        ), {{GroupRows.JoinGroupsSql("$11", ("$23", "$24", "$20"))}}, folded AS (
            -- An alert firing again has its first group ride on its lifecycle row, one history row, not two; a new alert
            -- has both on its alerts row (first_seen_at), no history row at all. HistoryReader lists each as two events.
            (SELECT DISTINCT ON (m.fingerprint) m.fingerprint, m.group_key
             FROM mem m JOIN life l ON l.fp = m.fingerprint AND l.event IS NOT NULL AND NOT l.is_new
             ORDER BY m.fingerprint, m.group_key)
            UNION ALL
            SELECT fp, first_group_key FROM merged WHERE is_new AND first_group_key IS NOT NULL
        ), ev AS (
            {{AlertEvents.InsertInto}}
            SELECT f, $11, e, gk, d FROM (
                SELECT l.fp AS f, l.event AS e, fo.group_key AS gk, CASE WHEN l.event = 'resolved' THEN 'resolved by its sender' END AS d, l.ord AS o
                FROM life l LEFT JOIN folded fo ON fo.fingerprint = l.fp WHERE l.event IS NOT NULL AND NOT l.is_new
                UNION ALL
                SELECT m.fingerprint, 'grouped', m.group_key, NULL, 9223372036854775807 FROM mem m
                WHERE NOT EXISTS (SELECT 1 FROM folded fo WHERE fo.fingerprint = m.fingerprint AND fo.group_key = m.group_key)
            ) x ORDER BY o
        ), n AS (
            SELECT pg_notify($21, $22) WHERE EXISTS (SELECT 1 FROM written)
        )
        SELECT r.fp, r.starts, r.ends,
               (SELECT coalesce(bool_or(next_flush_at <= $20), false) FROM g), (SELECT count(*) FROM n),
               -- The groups held are the statement's, not a row's: on one row only.
               CASE WHEN r.ord = 1 THEN (SELECT array_agg(group_key) FROM g WHERE held) END,
               CASE WHEN r.ord = 1 THEN (SELECT array_agg(route_id) FROM g WHERE held) END
        FROM r
        """;

    public static NpgsqlBatchCommand Create(Dictionary<ulong, StoredAlert> round, Candidates candidates, DateTimeOffset now,
        (string Channel, string Payload) notify, string? holdOwner)
    {
        var alerts = round.Values;
        var n = alerts.Count;
        var fp = new long[n];
        var labels = new string[n];
        var ann = new string[n];
        var starts = new DateTime[n];
        var ends = new DateTime[n];
        var gen = new string[n];
        var upd = new DateTime[n];
        var timeout = new bool[n];
        var source = new string[n];
        var extra = new string?[n];
        var firstGroup = FirstGroups(candidates);
        var firstKey = new string?[n];
        var firstRoute = new string?[n];
        var k = 0;
        foreach (var s in alerts)
        {
            var a = s.Alert;
            fp[k] = unchecked((long)a.Fingerprint);
            labels[k] = LabelJson.Write(a.Labels);
            ann[k] = LabelJson.Write(a.Annotations);
            starts[k] = a.StartsAt.UtcDateTime;
            ends[k] = a.EndsAt.UtcDateTime;
            gen[k] = a.GeneratorUrl;
            upd[k] = a.UpdatedAt.UtcDateTime;
            timeout[k] = a.Timeout;
            source[k] = s.Source;
            extra[k] = s.Extra;
            (firstKey[k], firstRoute[k]) = firstGroup.TryGetValue(fp[k], out var first) ? first : (null, null);
            k++;
        }

        var cmd = new NpgsqlBatchCommand(Sql);
        cmd.Parameters.Add(SqlArray.Of(fp, NpgsqlDbType.Bigint));
        cmd.Parameters.Add(SqlArray.OfJson(labels));
        cmd.Parameters.Add(SqlArray.OfJson(ann));
        cmd.Parameters.Add(SqlArray.Of(starts, NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(ends, NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(gen, NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(upd, NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(timeout, NpgsqlDbType.Boolean));
        cmd.Parameters.Add(SqlArray.Of(source, NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.OfJson(extra));
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = EndsAtLag.MaxLag, NpgsqlDbType = NpgsqlDbType.Interval });
        candidates.AddParameters(cmd.Parameters);
        cmd.Parameters.Add(candidates.DueNowParameter());
        cmd.Parameters.Add(new NpgsqlParameter { Value = notify.Channel, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = notify.Payload, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)holdOwner ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        // On the schedule's clock, as the claims that must pass over a held group compare it.
        cmd.Parameters.Add(new NpgsqlParameter { Value = (candidates.ScheduleNow + GroupRows.ClaimLease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(SqlArray.Of(firstKey, NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(firstRoute, NpgsqlDbType.Text));
        return cmd;
    }

    /// <summary>
    /// Each alert's first group, the one its arrival is recorded with and a new alert's home: the least key of its
    /// candidates, then the least route, in ordinal order (PostgreSQL's min() over a batch cost a hash aggregate and a
    /// join per statement).
    /// </summary>
    private static Dictionary<long, (string Key, string Route)> FirstGroups(Candidates candidates)
    {
        var first = new Dictionary<long, (string Key, string Route)>(candidates.Fingerprints.Count);
        for (var c = 0; c < candidates.Fingerprints.Count; c++)
        {
            var f = candidates.Fingerprints[c];
            var group = (candidates.Keys[c], candidates.Routes[c]);
            if (!first.TryGetValue(f, out var least) || Less(group, least))
            {
                first[f] = group;
            }
        }
        return first;

        static bool Less((string Key, string Route) a, (string Key, string Route) b) =>
            string.CompareOrdinal(a.Key, b.Key) is var byKey && (byKey < 0 || (byKey == 0 && string.CompareOrdinal(a.Route, b.Route) < 0));
    }
}
