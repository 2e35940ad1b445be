using Alerting.Configuration;
using Alerting.Core.Silences;
using Alerting.Flushing;
using Alerting.Grouping;
using Alerting.Persistence;
using Alerting.Telemetry;
using Npgsql;

namespace Alerting.Ingestion;

/// <summary>
/// One batch of alerts, upserted and grouped in one transaction. A group the batch makes due at once is claimed in the
/// same transaction, and on the in-memory bus flushed there too (<see cref="InlineFlush"/>). BEGIN and COMMIT ride in
/// the same round trips as the statements: when nothing falls due at once, the transaction is one round trip.
/// </summary>
internal sealed class BatchWriter(GenericPlanDb writerDb, GroupRouter router, StoredAlertCache cache, InlineFlush inlineFlush,
    InstanceInfo instance, IHostApplicationLifetime lifetime, TimeProvider time, GroupTraces traces)
{
    /// <summary>The channel other instances' writes are announced on (<see cref="StoredAlertListener"/>).</summary>
    internal const string WrittenChannel = "alerting_alerts_written";

    /// <summary>
    /// Writes a batch in one transaction (several statements when one fingerprint occurs more than once). New groups due
    /// at once that the batch made for split requests are held by <paramref name="holdOwner"/>, and go into those
    /// requests' <see cref="WriteRequest.Holds"/>.
    /// </summary>
    public async Task WriteAsync(List<WriteRequest> batch, string holdOwner, CancellationToken ct)
    {
        // One transaction for many requests: its span continues the first request's trace and links the others.
        using var span = AlertingActivities.Source.StartActivity("alerts.write_batch", System.Diagnostics.ActivityKind.Internal,
            AlertingActivities.Parse(batch[0].TraceParent),
            links: batch.Skip(1).Select(r => AlertingActivities.Parse(r.TraceParent)).Where(c => c != default).Select(c => new System.Diagnostics.ActivityLink(c)));
        span?.SetTag(AlertingActivities.Alerts, batch.Sum(r => r.Alerts.Count));
        // One fingerprint may occur several times; ON CONFLICT can touch a row once per statement,
        // so later occurrences go into later rounds, applied in order within the same transaction.
        var rounds = new List<Dictionary<ulong, StoredAlert>>();
        foreach (var request in batch)
        {
            foreach (var alert in request.Alerts)
            {
                var fp = alert.Alert.Fingerprint;
                var round = rounds.FirstOrDefault(r => !r.ContainsKey(fp));
                if (round is null)
                {
                    round = [];
                    rounds.Add(round);
                }
                round[fp] = alert;
            }
        }

        var generation = cache.Generation;
        var now = time.GetUtcNow();
        var stored = new List<(StoredAlert, DateTimeOffset, DateTimeOffset)>();
        await using var conn = await writerDb.Source.OpenConnectionAsync(ct);
        var dueSoon = false;
        var holder = batch.Any(r => r.Split) ? holdOwner : null;
        List<string> heldKeys = [];
        List<string> heldRoutes = [];
        Claim? claim = null;
        List<Silence> claimSilences = [];
        FlushCommit? flushed = null;
        var claimedAt = DateTimeOffset.MinValue;
        try
        {
            // One statement per round writes the alerts and, in the same transaction, groups those that are new or fire
            // again: an alert that was acknowledged is in its groups. With it, other instances drop what they remember of
            // stored alerts (delivered at commit). BEGIN and COMMIT ride in the same batches: when nothing falls due at
            // once, the transaction is one round trip.
            var handOffTo = inlineFlush.HandOffTo;
            var inline = false;
            for (var i = 0; i < rounds.Count; i++)
            {
                var last = i == rounds.Count - 1;
                Candidates candidates;
                using (var grouping = AlertingActivities.Source.StartActivity("alerts.group"))
                {
                    candidates = router.CandidatesFor(rounds[i].Values.Select(s => (s.Alert.Fingerprint, s.Alert.Labels, s.Alert.StartsAt)), now,
                        fp => cache.KnownFiring(fp, now));
                    grouping?.SetTag(AlertingActivities.Groups, candidates.Keys.Distinct().Count());
                    traces.Remember(candidates.Routes, candidates.Keys, AlertingActivities.CurrentTraceParent());
                }
                await using var statements = new NpgsqlBatch(conn);
                if (i == 0)
                {
                    statements.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                }
                statements.BatchCommands.Add(UpsertStatement.Create(rounds[i], candidates, now, (WrittenChannel, instance.Name), holder));
                // A group this may make due at once (group_wait 0) is claimed here too, with the silences its flush
                // needs. On the in-memory bus its flush is then decided and committed here as well
                // (FlushDecisions.DecideInline): one durable commit for the alert and its notification, and no claim of
                // the dispatcher's, on the way to the receiver.
                var claimNow = claimedAt = candidates.ScheduleNow;
                // Not once shutdown began: the dispatcher and delivery stop before the writer, and a claim nobody flushes
                // would hold its groups for a lease; unclaimed, the next instance flushes them at once.
                var claiming = last && candidates.MayBeDueNow && !lifetime.ApplicationStopping.IsCancellationRequested;
                inline = claiming && handOffTo is not null && inlineFlush.Enabled;
                if (claiming)
                {
                    statements.BatchCommands.Add(GroupRows.ClaimDue(GroupRows.WriterClaimOwner(instance.Name), claimNow));
                    var silences = new NpgsqlBatchCommand(SilenceStore.ActiveOrPendingSql);
                    silences.Parameters.Add(SilenceStore.ActiveOrPendingParameter(now));
                    statements.BatchCommands.Add(silences);
                }
                if (last && !inline)
                {
                    // Nothing written means no transaction id, and PostgreSQL commits that without waiting for a flush.
                    statements.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                }
                await using var reader = await statements.ExecuteReaderAsync(ct);
                // BEGIN returns no rows; the upsert's rows come first.
                while (reader.FieldCount == 0 && await reader.NextResultAsync(ct))
                {
                }
                while (await reader.ReadAsync(ct))
                {
                    var fingerprint = unchecked((ulong)reader.GetInt64(0));
                    stored.Add((rounds[i][fingerprint], reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2)));
                    dueSoon |= reader.GetBoolean(3);
                    if (!reader.IsDBNull(5))
                    {
                        heldKeys.AddRange(reader.GetFieldValue<string[]>(5));
                        heldRoutes.AddRange(reader.GetFieldValue<string[]>(6));
                    }
                }
                if (claiming)
                {
                    await reader.NextResultAsync(ct);
                    claim = await GroupRows.ReadClaimAsync(reader, claimNow, ct);
                    await reader.NextResultAsync(ct);
                    claimSilences = await SilenceStore.ReadActiveOrPendingAsync(reader, ct);
                }
                // A failed statement or COMMIT shows when its result is reached.
                while (await reader.NextResultAsync(ct))
                {
                }
            }
            if (inline)
            {
                flushed = await inlineFlush.FlushAndCommitAsync(conn, claim, claimSilences, handOffTo, ct);
            }
        }
        catch
        {
            await RollBackAsync(conn);
            throw;
        }
        cache.Remember(generation, stored);
        if (heldKeys.Count > 0)
        {
            var hold = new HeldGroups(heldKeys, heldRoutes, batch.Count(r => r.Split));
            foreach (var r in batch.Where(r => r.Split))
            {
                r.Holds.Add(hold);
            }
        }
        await inlineFlush.CompleteAsync(flushed, claim, claimSilences, claimedAt, ct);
        if (dueSoon && (claim is null || claim.Groups.Count >= GroupRows.ClaimBatchSize))
        {
            // Due groups the claim did not cover, or a start that merged earlier than the alert said.
            router.SignalDue();
        }
    }

    /// <summary>Ends a transaction a failure left open, so the pooled connection comes back clean; a dead one is dropped by the pool.</summary>
    private static async Task RollBackAsync(NpgsqlConnection conn)
    {
        if (conn.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", conn);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
        }
    }
}
