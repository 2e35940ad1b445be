using Alerting.Notifications.Pipeline;
using Alerting.Persistence;
using Alerting.Routing;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Notifications;

/// <summary>
/// Everything one dispatcher pass decided, written in one transaction with set-based statements:
/// outbox rows, group schedules, members that left, alert states and their history.
/// </summary>
internal sealed class FlushWrites(DateTimeOffset now)
{
    private readonly List<(string Group, string Receiver, SendDecision Send, OutboxSnapshot Snapshot, DateTimeOffset Deadline)> _sends = [];
    private readonly List<(AggregationGroupId Group, DateTimeOffset Next, bool DeleteIfEmpty)> _reschedules = [];
    private readonly List<AggregationGroupId> _deletedGroups = [];
    private readonly List<(AggregationGroupId Group, long Fingerprint)> _removed = [];
    private readonly List<(long Fingerprint, string State)> _states = [];
    private readonly EventBatch _events = new();

    /// <summary>
    /// A send to one integration of a receiver, by group key. Groups of sibling routes with identical matchers and the
    /// same receiver share that target (as they share Alertmanager's notification log): if both send in one pass, the
    /// later decision replaces the earlier, as a later flush replaces a snapshot still in flight.
    /// </summary>
    public void Send(string group, string receiver, SendDecision send, OutboxSnapshot snapshot, DateTimeOffset deadline)
    {
        _sends.RemoveAll(s => s.Group == group && s.Receiver == receiver && s.Send.Integration == send.Integration);
        _sends.Add((group, receiver, send, snapshot, deadline));
    }

    private readonly List<(string Group, string Receiver, SendDecision Send)> _logged = [];

    public void LogWithoutSending(string group, string receiver, SendDecision send)
    {
        _logged.RemoveAll(s => s.Group == group && s.Receiver == receiver && s.Send.Integration == send.Integration);
        _logged.Add((group, receiver, send));
    }

    public void Reschedule(AggregationGroupId group, DateTimeOffset next, bool deleteIfEmpty) => _reschedules.Add((group, next, deleteIfEmpty));

    public void DeleteGroup(AggregationGroupId group) => _deletedGroups.Add(group);

    public void RemoveMember(AggregationGroupId group, ulong fingerprint)
    {
        _removed.Add((group, unchecked((long)fingerprint)));
        _events.Add(unchecked((long)fingerprint), now, "ungrouped", group.GroupKey, "resolved and notified");
    }

    public void SetState(ulong fingerprint, string state, string group, string detail)
    {
        _states.Add((unchecked((long)fingerprint), state));
        _events.Add(unchecked((long)fingerprint), now, state == "suppressed" ? "suppressed" : "unsuppressed", group, detail);
    }

    public bool HasSends => _sends.Count > 0;

    /// <summary>
    /// Commits. All statements go in one batch, one round trip, and run in order in the implicit transaction
    /// PostgreSQL gives a batch: each sees what the ones before it wrote, and either all of them commit or none does.
    /// With <paramref name="handOffTo"/>, new outbox rows are claimed for that instance in the same commit, with what
    /// their sends read (Grafana's links, acknowledgements), and come back as <see cref="FlushCommit.HandOffs"/>; such a
    /// commit must be durable, as it stands in for the delivery claim's. Other rows come back to be published.
    /// </summary>
    public async Task<FlushCommit> CommitAsync(NpgsqlDataSource db, string? handOffTo, IReadOnlyList<Silences.Silence> silences, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn);
        AddTo(batch, handOffTo);
        if (batch.BatchCommands.Count == 0)
        {
            return new FlushCommit([], []);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadAsync(reader, silences, ct);
    }

    private bool _handOff;

    /// <summary>
    /// Adds the statements to a batch, first in it: the caller may add its own after them (the ingestion writer adds
    /// its COMMIT), and reads the results with <see cref="ReadAsync"/>.
    /// </summary>
    public void AddTo(NpgsqlBatch batch, string? handOffTo)
    {
        var handOff = _handOff = handOffTo is not null && _sends.Count > 0;

        // The statements that return rows come first, in this order; the reads for a hand-off see nothing this batch changes.
        if (_sends.Count > 0)
        {
            // One pending row per target: a later flush replaces the snapshot of a send still in flight (and does not
            // take it from whoever is sending it). A new row may be claimed at once: attempts 1, leased to $11.
            var cmd = Add(batch, """
                INSERT INTO outbox AS o (group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, created_at, deadline, attempts, lease_until, lease_owner)
                SELECT g, r, i, p,
                       coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(f) x), '{}'),
                       coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(rs) x), '{}'),
                       rsn, 0, $9, d, CASE WHEN $11::text IS NULL THEN 0 ELSE 1 END, $10, $11
                FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::jsonb[], $7::text[], $8::timestamptz[]) AS t(g, r, i, p, f, rs, rsn, d)
                ON CONFLICT (group_key, receiver, integration) DO UPDATE SET
                    payload = EXCLUDED.payload, firing_alerts = EXCLUDED.firing_alerts, resolved_alerts = EXCLUDED.resolved_alerts,
                    reason = EXCLUDED.reason, version = o.version + 1, deadline = EXCLUDED.deadline, attempts = 0
                RETURNING id, coalesce(attempts = 1 AND lease_owner = $11, false), group_key, receiver, integration, payload, firing_alerts,
                    resolved_alerts, reason, version, deadline, attempts,
                    (SELECT l.sent_at FROM notification_log l
                     WHERE l.group_key = o.group_key AND l.receiver = o.receiver AND l.integration = o.integration)
                """);
            cmd.Parameters.Add(SqlArray.Of(_sends.Select(s => s.Group).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_sends.Select(s => s.Receiver).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_sends.Select(s => s.Send.Integration).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_sends.Select(s => s.Snapshot.ToJson()).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(SqlArray.Of(_sends.Select(s => Json(s.Send.Firing)).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(SqlArray.Of(_sends.Select(s => Json(s.Send.Resolved)).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(SqlArray.Of(_sends.Select(s => s.Send.Reason).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_sends.Select(s => s.Deadline.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            // Not claimable by the sweeper for a while: the publish (or the send) right after commit should win.
            // A send runs on: its lease is renewed while it is in flight (OutboxLeases).
            cmd.Parameters.Add(new NpgsqlParameter { Value = (now + OutboxPublisher.PublishGrace).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = handOff ? handOffTo : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        }
        if (handOff)
        {
            // What the delivery claim would read (Delivery.ClaimAsync): Grafana's links of the alerts, and acknowledgements.
            var grafana = Add(batch, "SELECT fingerprint, extra FROM alerts WHERE fingerprint = ANY($1) AND extra IS NOT NULL");
            grafana.Parameters.Add(SqlArray.Of(_sends.SelectMany(s => s.Send.Firing.Concat(s.Send.Resolved)).Distinct().Select(f => unchecked((long)f)).ToArray(), NpgsqlDbType.Bigint));
            var acknowledged = Add(batch, """
                SELECT group_key, receiver, acknowledged_by, acknowledged_at FROM aggregation_groups
                WHERE group_key = ANY($1) AND acknowledged_at IS NOT NULL
                """);
            acknowledged.Parameters.Add(SqlArray.Of(_sends.Select(s => s.Group).Distinct().ToArray(), NpgsqlDbType.Text));
        }

        if (_logged.Count > 0)
        {
            var cmd = Add(batch, """
                INSERT INTO notification_log (group_key, receiver, integration, firing_alerts, resolved_alerts, sent_at)
                SELECT g, r, i,
                       coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(f) x), '{}'),
                       coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(rs) x), '{}'), $6
                FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[]) AS t(g, r, i, f, rs)
                ON CONFLICT (group_key, receiver, integration) DO UPDATE SET
                    firing_alerts = EXCLUDED.firing_alerts, resolved_alerts = EXCLUDED.resolved_alerts, sent_at = EXCLUDED.sent_at
                """);
            cmd.Parameters.Add(SqlArray.Of(_logged.Select(s => s.Group).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_logged.Select(s => s.Receiver).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_logged.Select(s => s.Send.Integration).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_logged.Select(s => Json(s.Send.Firing)).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(SqlArray.Of(_logged.Select(s => Json(s.Send.Resolved)).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        if (_removed.Count > 0)
        {
            var cmd = Add(batch, """
                DELETE FROM group_members m USING unnest($1::text[], $2::text[], $3::bigint[]) AS t(g, r, f)
                WHERE m.group_key = t.g AND m.route_id = t.r AND m.fingerprint = t.f
                """);
            cmd.Parameters.Add(SqlArray.Of(_removed.Select(r => r.Group.GroupKey).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_removed.Select(r => r.Group.RouteId).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_removed.Select(r => r.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
        }

        if (_states.Count > 0)
        {
            var cmd = Add(batch, """
                UPDATE alerts a SET state = t.s, state_changed_at = $3
                FROM unnest($1::bigint[], $2::text[]) AS t(f, s) WHERE a.fingerprint = t.f AND a.state <> t.s
                """);
            cmd.Parameters.Add(SqlArray.Of(_states.Select(s => s.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
            cmd.Parameters.Add(SqlArray.Of(_states.Select(s => s.State).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        if (_reschedules.Count > 0)
        {
            var cmd = Add(batch, """
                UPDATE aggregation_groups g SET next_flush_at = t.n, flushed_once = true, lease_owner = NULL, lease_until = NULL
                FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(k, r, n) WHERE g.group_key = t.k AND g.route_id = t.r
                """);
            cmd.Parameters.Add(SqlArray.Of(_reschedules.Select(r => r.Group.GroupKey).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_reschedules.Select(r => r.Group.RouteId).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(_reschedules.Select(r => r.Next.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
            // A group with no members and nothing in flight is gone, as Alertmanager destroys empty groups.
            var empty = _reschedules.Where(r => r.DeleteIfEmpty).Select(r => r.Group).ToList();
            var delete = Add(batch, """
                DELETE FROM aggregation_groups g USING unnest($1::text[], $2::text[]) AS t(k, r)
                WHERE g.group_key = t.k AND g.route_id = t.r
                  AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_key = g.group_key AND m.route_id = g.route_id)
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.group_key = g.group_key AND o.receiver = g.receiver)
                """);
            delete.Parameters.Add(SqlArray.Of(empty.Select(g => g.GroupKey).ToArray(), NpgsqlDbType.Text));
            delete.Parameters.Add(SqlArray.Of(empty.Select(g => g.RouteId).ToArray(), NpgsqlDbType.Text));
        }

        if (_deletedGroups.Count > 0)
        {
            foreach (var table in new[] { "group_members", "aggregation_groups" })
            {
                var cmd = Add(batch, $"DELETE FROM {table} x USING unnest($1::text[], $2::text[]) AS t(k, r) WHERE x.group_key = t.k AND x.route_id = t.r");
                cmd.Parameters.Add(SqlArray.Of(_deletedGroups.Select(g => g.GroupKey).ToArray(), NpgsqlDbType.Text));
                cmd.Parameters.Add(SqlArray.Of(_deletedGroups.Select(g => g.RouteId).ToArray(), NpgsqlDbType.Text));
            }
        }

        if (_events.Count > 0)
        {
            _events.AddParameters(Add(batch, EventBatch.InsertSql));
        }
    }

    /// <summary>Reads what <see cref="AddTo"/>'s statements return, and on through the rest of the batch, so that a failed statement or commit throws here.</summary>
    public async Task<FlushCommit> ReadAsync(NpgsqlDataReader reader, IReadOnlyList<Silences.Silence> silences, CancellationToken ct)
    {
        var commit = new FlushCommit([], []);
        var handOff = _handOff;
        if (_sends.Count == 0)
        {
            // Nothing returns rows; the whole result is read so that any statement's error surfaces here.
            while (await reader.NextResultAsync(ct))
            {
            }
            return commit;
        }
        var handed = new List<Delivery.OutboxClaim>();
        while (await reader.ReadAsync(ct))
        {
            if (!reader.GetBoolean(1))
            {
                commit.Publish.Add(reader.GetInt64(0));
                continue;
            }
            handed.Add(new Delivery.OutboxClaim(reader.GetInt64(0), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetFieldValue<long[]>(6), reader.GetFieldValue<long[]>(7), reader.GetString(8), reader.GetInt32(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetInt32(11), reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12)));
        }
        var links = new Dictionary<string, Templating.GrafanaLinks>(StringComparer.Ordinal);
        var acks = new Dictionary<(string, string), (string, DateTimeOffset)>();
        if (handOff)
        {
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (Templating.GrafanaLinks.FromExtra(reader.GetString(1)) is { } found)
                {
                    links[Labels.Fingerprint.Format(unchecked((ulong)reader.GetInt64(0)))] = found;
                }
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                acks.TryAdd((reader.GetString(0), reader.GetString(1)),
                    (reader.IsDBNull(2) ? "someone" : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }
        // The rest return no rows; reading through them surfaces a failed statement, and the commit, before any send.
        while (await reader.NextResultAsync(ct))
        {
        }
        var active = silences.ToList();
        foreach (var row in handed)
        {
            commit.HandOffs.Add(new Delivery.Claimed(row, links, acks.TryGetValue((row.GroupKey, row.Receiver), out var ack) ? ack : null, active));
        }
        return commit;
    }

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(cmd);
        return cmd;
    }

    private static string Json(IReadOnlySet<ulong> set) => "[" + string.Join(",", set.Select(f => unchecked((long)f))) + "]";
}

/// <summary>What a flush commit leaves to do: rows to publish to the bus, and rows claimed for this instance to send at once.</summary>
internal sealed record FlushCommit(List<long> Publish, List<Delivery.Claimed> HandOffs);
