using Alerting.Core.Configuration;
using Alerting.Core.Routing;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;
using static Alerting.Persistence.SqlArray;

namespace Alerting.Grouping;

/// <summary>A step of an escalation chain as claimed by the scheduler.</summary>
internal sealed record EscalationStepRow(long Id, string RouteId, string GroupKey, int Step, string Receiver, string State, DateTimeOffset ChainStartedAt)
{
    public AggregationGroupId Group => new(RouteId, GroupKey);
}

/// <summary>
/// Every statement that writes the escalations table (docs/escalation.md). Here, beside the groups, because a flush
/// starts a chain in its commit and an acknowledgement stops one in its transaction; the Escalation scheduler runs them.
/// </summary>
internal static class EscalationRows
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Stopped = "stopped";

    /// <summary>A claim covers one step's decision and commit; after a crash the step is free again this soon.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(15);

    public const int ClaimBatchSize = 50;

    /// <summary>
    /// Starts the chain of each group that has no live one (a step pending or sent): its steps fall due <c>after</c>
    /// the flush that decided the group's first notification (<paramref name="now"/>). A group whose chain was stopped
    /// (acknowledged, resolved) gets a new one when it notifies again with alerts firing and no acknowledgement.
    /// </summary>
    public static NpgsqlBatchCommand Start(IReadOnlyList<(AggregationGroupId Group, IReadOnlyList<EscalationStepConfig> Steps)> chains, DateTimeOffset now)
    {
        var rows = chains.SelectMany(c => c.Steps.Select((s, i) => (c.Group, Step: i, s.Receiver, s.After))).ToList();
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO escalations (route_id, group_key, chain_started_at, step, receiver, after, due_at, state)
            SELECT r, g, $6, s, rc, a, $6 + a, 'pending'
            FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::interval[]) AS t(r, g, s, rc, a)
            WHERE NOT EXISTS (SELECT 1 FROM escalations e WHERE e.group_key = t.g AND e.route_id = t.r AND e.state <> 'stopped')
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.Add(Of(rows.Select(r => r.Group.RouteId).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Of(rows.Select(r => r.Group.GroupKey).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Of(rows.Select(r => r.Step).ToArray(), NpgsqlDbType.Integer));
        cmd.Parameters.Add(Of(rows.Select(r => r.Receiver).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(Of(rows.Select(r => r.After).ToArray(), NpgsqlDbType.Interval));
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>
    /// In the acknowledgement's transaction, after <see cref="GroupRows.Acknowledge"/> (which set acknowledged_at = $2 on
    /// the groups of key $1): their pending steps stop; their sent steps fall due now, for the scheduler to tell the
    /// receivers already reached and then stop them.
    /// </summary>
    public static NpgsqlCommand Acknowledged(string groupKey, string by, DateTimeOffset now)
    {
        var cmd = new NpgsqlCommand("""
            UPDATE escalations e SET
                state = CASE WHEN e.state = 'pending' THEN 'stopped' ELSE e.state END,
                stopped_at = CASE WHEN e.state = 'pending' THEN $2 END,
                stopped_reason = CASE WHEN e.state = 'pending' THEN 'acknowledged' END,
                stopped_by = CASE WHEN e.state = 'pending' THEN $3 END,
                due_at = CASE WHEN e.state = 'pending' THEN e.due_at ELSE $2 END
            FROM aggregation_groups g
            WHERE g.group_key = $1 AND g.acknowledged_at = $2 AND e.group_key = g.group_key AND e.route_id = g.route_id AND e.state <> 'stopped'
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = groupKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = by });
        return cmd;
    }

    /// <summary>Claims up to a batch of live steps that are due, with a lease, so that one instance of several decides each.</summary>
    public static NpgsqlCommand ClaimDue(NpgsqlDataSource db, string owner, DateTimeOffset now)
    {
        var cmd = db.CreateCommand("""
            UPDATE escalations e SET lease_owner = $1, lease_until = $3
            FROM (SELECT id FROM escalations
                  WHERE state <> 'stopped' AND due_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
                  ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) d
            WHERE e.id = d.id
            RETURNING e.id, e.route_id, e.group_key, e.step, e.receiver, e.state, e.chain_started_at
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = owner });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (now + ClaimLease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ClaimBatchSize });
        return cmd;
    }

    public static async Task<List<EscalationStepRow>> ReadClaimAsync(NpgsqlCommand claim, CancellationToken ct)
    {
        var steps = new List<EscalationStepRow>();
        await using var reader = await claim.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            steps.Add(new EscalationStepRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return steps;
    }

    /// <summary>
    /// Moves a claimed step on and frees it: to <paramref name="state"/>, due again at <paramref name="due"/>; sent_at is
    /// set the first time it is sent. Only while the claim holds: one row when it did, none when the lease was lost (or
    /// an acknowledgement stopped the step meanwhile), and the caller's transaction must then be rolled back.
    /// </summary>
    public static NpgsqlCommand Advance(long id, string owner, string state, DateTimeOffset due, DateTimeOffset now)
    {
        var cmd = new NpgsqlCommand("""
            UPDATE escalations SET state = $3, due_at = $4, lease_owner = NULL, lease_until = NULL,
                sent_at = CASE WHEN $3 = 'sent' THEN coalesce(sent_at, $5) ELSE sent_at END
            WHERE id = $1 AND lease_owner = $2 AND state <> 'stopped'
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = owner });
        cmd.Parameters.Add(new NpgsqlParameter { Value = state });
        cmd.Parameters.Add(new NpgsqlParameter { Value = due.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>Stops a claimed step, while the claim holds (see <see cref="Advance"/>).</summary>
    public static NpgsqlCommand Stop(long id, string owner, string reason, string? by, DateTimeOffset now)
    {
        var cmd = new NpgsqlCommand("""
            UPDATE escalations SET state = 'stopped', stopped_at = $3, stopped_reason = $4, stopped_by = $5, lease_owner = NULL, lease_until = NULL
            WHERE id = $1 AND lease_owner = $2 AND state <> 'stopped'
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = owner });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = reason });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)by ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return cmd;
    }

    /// <summary>
    /// Stops the pending steps of chains whose group no longer fires (every member resolved, or the group gone): nobody
    /// was reached by them, so there is no one to tell. Steps already sent are told of the resolution by the scheduler.
    /// </summary>
    public static NpgsqlCommand StopResolvedPending(NpgsqlDataSource db, DateTimeOffset now)
    {
        var cmd = db.CreateCommand($"""
            UPDATE escalations e SET state = 'stopped', stopped_at = $1, stopped_reason = 'resolved'
            WHERE e.state = 'pending' AND (e.lease_until IS NULL OR e.lease_until < $1) AND NOT EXISTS (
                SELECT 1 FROM {Memberships.All} m JOIN alerts a ON a.fingerprint = m.fingerprint
                WHERE m.group_key = e.group_key AND m.route_id = e.route_id AND a.ends_at > $1)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>Retention: steps of chains stopped before the cutoff are history, deleted with the rest of it.</summary>
    public static NpgsqlBatchCommand DeleteStoppedBefore(DateTimeOffset cutoff)
    {
        var cmd = new NpgsqlBatchCommand("DELETE FROM escalations WHERE state = 'stopped' AND stopped_at < $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }
}
