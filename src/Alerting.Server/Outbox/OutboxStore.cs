using Alerting.Configuration;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Outbox;

/// <summary>
/// Every write to the outbox and the notification log: a sender's statements on its rows (claim, defer, wake,
/// release, renew) here; finished sends in OutcomeWriter, and the statements a flush adds to its own batch in the other part.
/// </summary>
internal sealed partial class OutboxStore(NpgsqlDataSource db, RelaxedDb relaxed, GenericPlanDb durable, InstanceInfo instance, TimeProvider time)
{
    /// <summary>
    /// How long a claimed row stays ours without renewal. <see cref="OutboxLeases"/> renews the rows in flight every
    /// few seconds, so an attempt may take longer than this; a crashed sender's rows come back after it.
    /// </summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Takes the row unless another instance holds it, and in the same round trip reads what the message says
    /// besides the alerts: Grafana's links, the group's acknowledgement (the receiver's: groups of sibling routes with
    /// identical matchers share the key) and the silences. A row of our own that is not in flight here (the in-flight
    /// guard runs first) was deferred by us: its retry is due when we say so, whatever the clock says about its lease.
    /// </summary>
    public async Task<ClaimedRow?> ClaimAsync(long id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Durable, unlike the other writes here: its commit flushes the WAL, and with it the flush decision that
        // made this row, which was committed without waiting. Sent first and lost in a PostgreSQL crash, that
        // decision would be taken again and the notification sent twice (the outage test saw it).
        await using var conn = await durable.Source.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn);
        var claim = new NpgsqlBatchCommand("""
            UPDATE outbox SET lease_owner = $2, lease_until = $4, attempts = attempts + 1
            WHERE id = $1 AND (lease_owner IS NULL OR lease_until < $3 OR lease_owner = $2)
            RETURNING id, group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, deadline, attempts,
                (SELECT l.sent_at FROM notification_log l
                 WHERE l.group_key = outbox.group_key AND l.receiver = outbox.receiver AND l.integration = outbox.integration),
                trace_parent
            """);
        claim.Parameters.Add(new NpgsqlParameter { Value = id });
        claim.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        claim.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = (now + Lease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        // The row's alerts are its firing and resolved fingerprints.
        var grafana = new NpgsqlBatchCommand("""
            SELECT fingerprint, extra FROM alerts
            WHERE fingerprint = ANY((SELECT firing_alerts || resolved_alerts FROM outbox WHERE id = $1)::bigint[]) AND extra IS NOT NULL
            """);
        grafana.Parameters.Add(new NpgsqlParameter { Value = id });
        // A receiver an escalation step reached sees the group's acknowledgement too.
        var acknowledged = new NpgsqlBatchCommand("""
            SELECT g.acknowledged_by, g.acknowledged_at FROM aggregation_groups g
            JOIN outbox o ON o.group_key = g.group_key AND (o.receiver = g.receiver OR EXISTS (
                SELECT 1 FROM escalations e WHERE e.group_key = g.group_key AND e.route_id = g.route_id AND e.receiver = o.receiver))
            WHERE o.id = $1 AND g.acknowledged_at IS NOT NULL
            LIMIT 1
            """);
        acknowledged.Parameters.Add(new NpgsqlParameter { Value = id });
        var silenced = new NpgsqlBatchCommand(SilenceStore.ActiveOrPendingSql);
        silenced.Parameters.Add(SilenceStore.ActiveOrPendingParameter(now));
        batch.BatchCommands.Add(claim);
        batch.BatchCommands.Add(grafana);
        batch.BatchCommands.Add(acknowledged);
        batch.BatchCommands.Add(silenced);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var row = new OutboxEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetFieldValue<long[]>(5), reader.GetFieldValue<long[]>(6), reader.GetString(7), reader.GetInt32(8),
            reader.GetFieldValue<DateTimeOffset>(9), reader.GetInt32(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
            reader.IsDBNull(12) ? null : reader.GetString(12));
        await reader.NextResultAsync(ct);
        var links = await ReadGrafanaLinksAsync(reader, ct);
        await reader.NextResultAsync(ct);
        (string, DateTimeOffset)? ack = await reader.ReadAsync(ct)
            ? (reader.IsDBNull(0) ? "someone" : reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
            : null;
        await reader.NextResultAsync(ct);
        var silences = await SilenceStore.ReadActiveOrPendingAsync(reader, ct);
        return new ClaimedRow(row, links, ack, silences);
    }

    /// <summary>
    /// Keeps the row ours until the retry is due, without holding anything meanwhile: nobody claims it before then
    /// (the lease is not renewed), and if we are gone by then, any instance's sweeper takes it.
    /// </summary>
    public async Task DeferAsync(long id, TimeSpan delay, CancellationToken ct)
    {
        await using var cmd = relaxed.GenericPlans.CreateCommand("UPDATE outbox SET lease_until = $2 WHERE id = $1 AND lease_owner = $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (time.GetUtcNow() + delay).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ends the deferral of rows that are ours and still deferred; returns those it woke.</summary>
    public async Task<List<long>> WakeAsync(long[] ids, CancellationToken ct)
    {
        await using var cmd = relaxed.GenericPlans.CreateCommand("UPDATE outbox SET lease_until = $2 WHERE id = ANY($1) AND lease_owner = $3 AND lease_until > $2 RETURNING id");
        cmd.Parameters.Add(SqlArray.Of(ids, NpgsqlDbType.Bigint));
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        var woken = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            woken.Add(reader.GetInt64(0));
        }
        return woken;
    }

    /// <summary>Hands a row of ours back, unsent, for whoever claims it next.</summary>
    public async Task ReleaseAsync(long id, CancellationToken ct)
    {
        await using var cmd = relaxed.GenericPlans.CreateCommand("UPDATE outbox SET lease_owner = NULL, lease_until = $2 WHERE id = $1 AND lease_owner = $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Renews the leases of the rows in flight here.</summary>
    public async Task RenewAsync(long[] ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE outbox SET lease_until = $2 WHERE id = ANY($1) AND lease_owner = $3");
        cmd.Parameters.Add(SqlArray.Of(ids, NpgsqlDbType.Bigint));
        cmd.Parameters.Add(new NpgsqlParameter { Value = (time.GetUtcNow() + Lease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The rows that are nobody's to send: their lease ran out (a crash, a failed publish) or, while the bus is down,
    /// they were never published. At most 1000, oldest first.
    /// </summary>
    /// <param name="busDown">Rows created while the bus was down were never published: no need to wait for their grace.</param>
    /// <param name="ownedToo">Whether rows another sender held, whose lease ran out, are taken too.</param>
    public async Task<List<PublishRow>> UnsentAsync(bool busDown, bool ownedToo, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, trace_parent FROM outbox
            WHERE (lease_owner IS NULL AND ($2 OR lease_until IS NULL OR lease_until < $1))
               OR (lease_owner IS NOT NULL AND lease_until < $1 AND $3)
            ORDER BY id LIMIT 1000
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = busDown });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ownedToo });
        var ids = new List<PublishRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(new PublishRow(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        return ids;
    }
}
