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

    /// <summary>
    /// Commits and returns the ids of outbox rows to publish. All statements go in one batch, one round trip, and
    /// run in order in the implicit transaction PostgreSQL gives a batch: each sees what the ones before it
    /// wrote, and either all of them commit or none does.
    /// </summary>
    public async Task<List<long>> CommitAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var ids = new List<long>();
        await using var batch = new NpgsqlBatch(conn);

        if (_sends.Count > 0)
        {
            // One pending row per target: a later flush replaces the snapshot of a send still in flight.
            var cmd = Add(batch, """
                INSERT INTO outbox AS o (group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, created_at, deadline, attempts, lease_until)
                SELECT g, r, i, p,
                       coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(f) x), '{}'),
                       coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(rs) x), '{}'),
                       rsn, 0, $9, d, 0, $10
                FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::jsonb[], $7::text[], $8::timestamptz[]) AS t(g, r, i, p, f, rs, rsn, d)
                ON CONFLICT (group_key, receiver, integration) DO UPDATE SET
                    payload = EXCLUDED.payload, firing_alerts = EXCLUDED.firing_alerts, resolved_alerts = EXCLUDED.resolved_alerts,
                    reason = EXCLUDED.reason, version = o.version + 1, deadline = EXCLUDED.deadline, attempts = 0
                RETURNING id
                """);
            cmd.Parameters.Add(Array(_sends.Select(s => s.Group).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_sends.Select(s => s.Receiver).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_sends.Select(s => s.Send.Integration).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_sends.Select(s => s.Snapshot.ToJson()).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(Array(_sends.Select(s => Json(s.Send.Firing)).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(Array(_sends.Select(s => Json(s.Send.Resolved)).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(Array(_sends.Select(s => s.Send.Reason).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_sends.Select(s => s.Deadline.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            // Not claimable by the sweeper for a while: the publish right after commit should win.
            cmd.Parameters.Add(new NpgsqlParameter { Value = (now + OutboxPublisher.PublishGrace).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
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
            cmd.Parameters.Add(Array(_logged.Select(s => s.Group).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_logged.Select(s => s.Receiver).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_logged.Select(s => s.Send.Integration).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_logged.Select(s => Json(s.Send.Firing)).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(Array(_logged.Select(s => Json(s.Send.Resolved)).ToArray(), NpgsqlDbType.Jsonb));
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        if (_removed.Count > 0)
        {
            var cmd = Add(batch, """
                DELETE FROM group_members m USING unnest($1::text[], $2::text[], $3::bigint[]) AS t(g, r, f)
                WHERE m.group_key = t.g AND m.route_id = t.r AND m.fingerprint = t.f
                """);
            cmd.Parameters.Add(Array(_removed.Select(r => r.Group.GroupKey).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_removed.Select(r => r.Group.RouteId).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_removed.Select(r => r.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
        }

        if (_states.Count > 0)
        {
            var cmd = Add(batch, """
                UPDATE alerts a SET state = t.s, state_changed_at = $3
                FROM unnest($1::bigint[], $2::text[]) AS t(f, s) WHERE a.fingerprint = t.f AND a.state <> t.s
                """);
            cmd.Parameters.Add(Array(_states.Select(s => s.Fingerprint).ToArray(), NpgsqlDbType.Bigint));
            cmd.Parameters.Add(Array(_states.Select(s => s.State).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        if (_reschedules.Count > 0)
        {
            var cmd = Add(batch, """
                UPDATE aggregation_groups g SET next_flush_at = t.n, flushed_once = true, lease_owner = NULL, lease_until = NULL
                FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(k, r, n) WHERE g.group_key = t.k AND g.route_id = t.r
                """);
            cmd.Parameters.Add(Array(_reschedules.Select(r => r.Group.GroupKey).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_reschedules.Select(r => r.Group.RouteId).ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(Array(_reschedules.Select(r => r.Next.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
            // A group with no members and nothing in flight is gone, as Alertmanager destroys empty groups.
            var empty = _reschedules.Where(r => r.DeleteIfEmpty).Select(r => r.Group).ToList();
            var delete = Add(batch, """
                DELETE FROM aggregation_groups g USING unnest($1::text[], $2::text[]) AS t(k, r)
                WHERE g.group_key = t.k AND g.route_id = t.r
                  AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_key = g.group_key AND m.route_id = g.route_id)
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.group_key = g.group_key AND o.receiver = g.receiver)
                """);
            delete.Parameters.Add(Array(empty.Select(g => g.GroupKey).ToArray(), NpgsqlDbType.Text));
            delete.Parameters.Add(Array(empty.Select(g => g.RouteId).ToArray(), NpgsqlDbType.Text));
        }

        if (_deletedGroups.Count > 0)
        {
            foreach (var table in new[] { "group_members", "aggregation_groups" })
            {
                var cmd = Add(batch, $"DELETE FROM {table} x USING unnest($1::text[], $2::text[]) AS t(k, r) WHERE x.group_key = t.k AND x.route_id = t.r");
                cmd.Parameters.Add(Array(_deletedGroups.Select(g => g.GroupKey).ToArray(), NpgsqlDbType.Text));
                cmd.Parameters.Add(Array(_deletedGroups.Select(g => g.RouteId).ToArray(), NpgsqlDbType.Text));
            }
        }

        if (_events.Count > 0)
        {
            _events.AddParameters(Add(batch, EventBatch.InsertSql));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(ct);
            // The outbox insert, when there is one, is first and the only statement returning rows.
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }
            while (await reader.NextResultAsync(ct));
        }
        return ids;
    }

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(cmd);
        return cmd;
    }

    private static string Json(IReadOnlySet<ulong> set) => "[" + string.Join(",", set.Select(f => unchecked((long)f))) + "]";

    private static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType type) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | type };
}
