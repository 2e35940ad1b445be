using Alerting.Configuration;
using Alerting.Core.Labels;
using Alerting.Core.Routing;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Grouping;

/// <summary>Keeps the stored groups in line with the running route tree, at start and after every reload.</summary>
internal sealed class Reconciliation(ConfigHolder config, GroupRouter router, NpgsqlDataSource db, TimeProvider time, ILogger<Reconciliation> log)
{
    /// <summary>Reconciles now, and again after each reload.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await ReconcileAsync(ct);
        config.Reloaded += next => _ = Task.Run(async () =>
        {
            try
            {
                await ReconcileAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogError("Regrouping after reload failed; groups follow the new routes from the next restart or reload: {Error}", e.Message);
            }
        });
    }

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
    public async Task ReconcileAsync(CancellationToken ct)
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
        var acknowledged = new List<(string Key, string Receiver, DateTime At, string? By, long Fingerprint)>();
        await using (var cmd = GroupRows.DeleteGone(conn, tx, routes))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                dropped.Add(reader.GetInt64(0));
                if (!reader.IsDBNull(3))
                {
                    acknowledged.Add((reader.GetString(1), reader.GetString(2), reader.GetDateTime(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(0)));
                }
            }
        }

        // Memberships the running routes no longer give (the alert now matches another route) are dropped,
        // as Alertmanager rebuilds its groups from scratch on reload.
        var stale = new List<(AggregationGroupId Group, long Fingerprint)>();
        await using (var cmd = new NpgsqlCommand($"SELECT m.group_key, m.route_id, m.fingerprint, a.labels FROM {Memberships.All} m JOIN alerts a USING (fingerprint)", conn, tx))
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
            await using var batch = new NpgsqlBatch(conn, tx) { BatchCommands = { GroupRows.RemoveMembers(stale) } };
            await batch.ExecuteNonQueryAsync(ct);
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
            await using var cmd = GroupRows.KeepAcknowledgements(conn, tx, acknowledged);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (dueNow)
        {
            router.SignalDue();
        }
        log.LogInformation("Groups reconciled with the route tree: {Alerts} alerts routed, {Removed} memberships the routes no longer give dropped", regroup.Count, dropped.Count);
    }

    /// <summary>
    /// Puts stored alerts into the groups the running routes give them: groups are made if missing, memberships,
    /// acknowledgement resets and "grouped" history are written, in one statement. Returns true when a new group is
    /// due now. Ingestion does the same for the alerts it writes, in its own statement.
    /// </summary>
    private async Task<bool> RegroupAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<(ulong, LabelSet, DateTimeOffset)> alerts, DateTimeOffset now, CancellationToken ct)
    {
        var candidates = router.CandidatesFor(alerts, now, _ => false);
        if (candidates.Fingerprints.Count == 0)
        {
            return false;
        }
        await using var cmd = GroupRows.Regroup(conn, tx, candidates, now);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && reader.GetBoolean(0);
    }
}
