using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Core.Routing;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Grouping;

/// <summary>
/// Claimed groups, their members with their states, what each integration was last told, and when each member joined
/// its group (<see cref="JoinedAt"/>, by group and fingerprint).
/// </summary>
internal sealed record Claim(List<ClaimedGroup> Groups, Dictionary<AggregationGroupId, List<(Alert Alert, string State)>> Members,
    Dictionary<(string, string, string), NotificationLogEntry> Logs, Dictionary<(AggregationGroupId, ulong), DateTimeOffset> JoinedAt);

internal sealed record ClaimedGroup(string Key, string RouteId, string Receiver, LabelSet Labels, bool HasOutbox, bool Acknowledged)
{
    public AggregationGroupId Id => new(RouteId, Key);
}

/// <summary>Claims of due groups: a lease per group, so that no group flushes twice, on any instance.</summary>
internal static partial class GroupRows
{
    internal const int ClaimBatchSize = 200;

    /// <summary>A claim only covers one pass (well under a second); after a crash mid-pass the group is free again soon.</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The lease owner of the ingestion writer's claims: a failed pass frees the dispatcher's own claims
    /// (<see cref="ReleaseClaims"/>), not these, which may still be waiting to be flushed.
    /// </summary>
    public static string WriterClaimOwner(string instance) => instance + "/writer";

    /// <summary>
    /// Claims up to a batch of due groups and reads their members and what each integration was last told, in one
    /// statement: a round trip less on a notification's path; its rows are read by <see cref="ReadClaimAsync"/>. One row
    /// per member, log entry and pending send ('m', 'l', 'o'), or one with kind NULL for a group with none. A pending
    /// send counts as told (deciding it again would send it twice), so it overrides the log entry. The reads are
    /// lateral, per claimed group, so they are index lookups (a plain join on the lease just written was planned as a
    /// scan of every membership, 70 ms in a storm). What an integration was told is kept by group key and receiver, as
    /// Alertmanager's notification log is: groups of sibling routes with identical matchers and the same receiver share
    /// it. The locked rows are updated by ctid: joined on the key, the update was planned as a hash join over every group
    /// (5 ms with 10k groups). A row changed since the statement began is locked but not updated (its new version is
    /// not in the statement's snapshot): it is claimed by the next pass, never twice.
    /// </summary>
    public static NpgsqlBatchCommand ClaimDue(string owner, DateTimeOffset now)
    {
        var claim = new NpgsqlBatchCommand($"""
            WITH c AS (
                UPDATE aggregation_groups g SET lease_owner = $1, lease_until = $3
                FROM (SELECT ctid FROM aggregation_groups
                      WHERE next_flush_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
                      ORDER BY next_flush_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
                WHERE g.ctid = due.ctid
                RETURNING g.group_key, g.route_id, g.receiver, g.group_labels,
                          EXISTS (SELECT 1 FROM outbox o WHERE o.group_key = g.group_key AND o.receiver = g.receiver) AS has_outbox,
                          g.acknowledged_at IS NOT NULL AS acknowledged
            )
            SELECT c.group_key, c.route_id, c.receiver, c.group_labels, c.has_outbox, c.acknowledged, x.*
            FROM c LEFT JOIN LATERAL (
                SELECT 'm' AS kind, a.labels, a.annotations, a.starts_at, a.ends_at, a.generator_url, a.updated_at, a.timeout, a.state,
                       NULL AS integration, NULL AS firing_alerts, NULL AS resolved_alerts, NULL AS sent_at, m.added_at
                FROM {Memberships.All} m JOIN alerts a ON a.fingerprint = m.fingerprint
                WHERE m.group_key = c.group_key AND m.route_id = c.route_id
                UNION ALL
                SELECT 'l', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, l.integration, l.firing_alerts, l.resolved_alerts, l.sent_at, NULL
                FROM notification_log l WHERE l.group_key = c.group_key AND l.receiver = c.receiver
                UNION ALL
                SELECT 'o', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, o.integration, o.firing_alerts, o.resolved_alerts, NULL, NULL
                FROM outbox o WHERE o.group_key = c.group_key AND o.receiver = c.receiver
            ) x ON true
            """);
        claim.Parameters.Add(new NpgsqlParameter { Value = owner });
        claim.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = (now + ClaimLease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = ClaimBatchSize });
        return claim;
    }

    /// <summary>Reads the rows of <see cref="ClaimDue"/>, the reader on its result.</summary>
    public static async Task<Claim> ReadClaimAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken ct)
    {
        var claimed = new Dictionary<AggregationGroupId, ClaimedGroup>();
        var memberMap = new Dictionary<AggregationGroupId, List<(Alert, string)>>();
        var logMap = new Dictionary<(string, string, string), NotificationLogEntry>();
        var pending = new List<((string, string, string) Target, NotificationLogEntry Entry)>();
        var joined = new Dictionary<(AggregationGroupId, ulong), DateTimeOffset>();
        while (await reader.ReadAsync(ct))
        {
            // Every row repeats its group's columns: parse them once.
            var id = new AggregationGroupId(reader.GetString(1), reader.GetString(0));
            if (!claimed.TryGetValue(id, out var group))
            {
                claimed[id] = group = new ClaimedGroup(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    LabelJson.Read(reader.GetString(3)), reader.GetBoolean(4), reader.GetBoolean(5));
            }
            if (reader.IsDBNull(6))
            {
                continue;
            }
            var kind = reader.GetString(6);
            if (kind == "m")
            {
                var alert = new Alert(
                    LabelJson.Read(reader.GetString(7)), LabelJson.Read(reader.GetString(8)),
                    reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10),
                    reader.GetString(11), reader.GetFieldValue<DateTimeOffset>(12), reader.GetBoolean(13));
                if (!memberMap.TryGetValue(id, out var list))
                {
                    memberMap[id] = list = [];
                }
                list.Add((alert, reader.GetString(14)));
                joined[(id, alert.Fingerprint)] = reader.GetFieldValue<DateTimeOffset>(19);
                continue;
            }
            var target = (group.Key, group.Receiver, reader.GetString(15));
            var firing = Fingerprints(reader.GetFieldValue<long[]>(16));
            var resolved = Fingerprints(reader.GetFieldValue<long[]>(17));
            if (kind == "o")
            {
                pending.Add((target, new NotificationLogEntry(firing, resolved, now)));
            }
            else
            {
                logMap[target] = new NotificationLogEntry(firing, resolved, reader.GetFieldValue<DateTimeOffset>(18));
            }
        }
        // After the log entries, whatever order the rows came in.
        foreach (var (target, entry) in pending)
        {
            logMap[target] = entry;
        }
        return new Claim([.. claimed.Values], memberMap, logMap, joined);
    }

    /// <summary>Frees the groups still leased to an owner (a pass that failed before its commit).</summary>
    public static NpgsqlCommand ReleaseClaims(NpgsqlDataSource db, string owner)
    {
        var cmd = db.CreateCommand("UPDATE aggregation_groups SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = owner });
        return cmd;
    }

    /// <summary>
    /// Frees the groups of a claim the ingestion writer made at <paramref name="claimedAt"/> and that waited too long
    /// to be flushed. Only that claim's lease: a later claim of the same owner can only have been made after it ran
    /// out, so its lease ends at least a <see cref="ClaimLease"/> later (the second of slack covers the stored
    /// timestamp's microseconds).
    /// </summary>
    public static NpgsqlCommand ReleaseStale(NpgsqlDataSource db, IReadOnlyList<ClaimedGroup> groups, string owner, DateTimeOffset claimedAt)
    {
        var cmd = db.CreateCommand("""
            UPDATE aggregation_groups SET lease_owner = NULL, lease_until = NULL
            WHERE (group_key, route_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND lease_owner = $3 AND lease_until <= $4
            """);
        cmd.Parameters.Add(SqlArray.Of(groups.Select(g => g.Key).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(groups.Select(g => g.RouteId).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(new NpgsqlParameter { Value = owner });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (claimedAt + ClaimLease + TimeSpan.FromSeconds(1)).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>Frees new groups held for a request's other alerts (see Ingestion.AlertWriter).</summary>
    public static NpgsqlCommand ReleaseHeld(NpgsqlDataSource db, IReadOnlyList<string> keys, IReadOnlyList<string> routes, string owner)
    {
        var cmd = db.CreateCommand("""
            UPDATE aggregation_groups SET lease_owner = NULL, lease_until = NULL
            WHERE (group_key, route_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND lease_owner = $3
            """);
        cmd.Parameters.Add(SqlArray.Of(keys.ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(routes.ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(new NpgsqlParameter { Value = owner });
        return cmd;
    }

    /// <summary>Moves every group's schedule (and lease) by a step of the clock.</summary>
    public static NpgsqlCommand MoveSchedule(NpgsqlDataSource db, TimeSpan step)
    {
        var cmd = db.CreateCommand("UPDATE aggregation_groups SET next_flush_at = next_flush_at + $1, lease_until = lease_until + $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = step, NpgsqlDbType = NpgsqlDbType.Interval });
        return cmd;
    }

    /// <summary>Fingerprints are stored as signed bigint; the domain uses the unsigned hash.</summary>
    private static HashSet<ulong> Fingerprints(long[] stored) => [.. stored.Select(f => unchecked((ulong)f))];
}
