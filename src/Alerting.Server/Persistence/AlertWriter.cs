using System.Threading.Channels;
using Alerting.Alerts;
using Alerting.Grouping;
using Alerting.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>
/// Durable alert ingestion with group commit: concurrent requests enqueue their alerts, one writer
/// drains whatever is queued and upserts it as a set in one transaction, then answers every request.
/// A request is acknowledged only after the commit, so a 200 never loses an alert, and a busy
/// instance pays one round trip per batch rather than per alert. Merging follows Alertmanager's rules
/// and is computed in SQL, so several instances sharing the database agree on the result.
/// A re-send that the stored row already covers (<see cref="EndsAtLag"/>) is answered at once: the
/// <see cref="StoredAlertCache"/> proves there is nothing to write, so there is nothing to wait for.
/// </summary>
internal sealed class AlertWriter(GenericPlanDb writerDb, GroupRouter router, Notifications.Dispatcher dispatcher,
    StoredAlertCache cache, InstanceInfo instance, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<AlertWriter> log) : BackgroundService
{
    /// <summary>The channel other instances' writes are announced on (<see cref="StoredAlertListener"/>).</summary>
    internal const string WrittenChannel = "alerting_alerts_written";

    private const int MaxBatch = 20_000;

    private readonly Channel<WriteRequest> _queue = Channel.CreateBounded<WriteRequest>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Stores the alerts; completes once they are committed. Throws when the database is unavailable.</summary>
    public async Task WriteAsync(IReadOnlyList<StoredAlert> alerts, CancellationToken ct)
    {
        if (alerts.Count == 0)
        {
            return;
        }
        if (cache.Enabled)
        {
            var now = time.GetUtcNow();
            List<StoredAlert>? news = null;
            for (var i = 0; i < alerts.Count; i++)
            {
                if (cache.Covers(alerts[i], now))
                {
                    news ??= [.. alerts.Take(i)];
                }
                else
                {
                    news?.Add(alerts[i]);
                }
            }
            if (news is not null)
            {
                if (news.Count == 0)
                {
                    return;
                }
                alerts = news;
            }
        }
        var request = new WriteRequest(alerts);
        await _queue.Writer.WriteAsync(request, ct);
        await request.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<WriteRequest>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var count = 0;
                while (count < MaxBatch && reader.TryRead(out var request))
                {
                    batch.Add(request);
                    count += request.Alerts.Count;
                }
                // A batch that has begun is finished and answered, not cut off by shutdown: stopped after its COMMIT,
                // it would answer 503 for stored alerts and leave its claims and hand-offs to their leases.
                await StoreAsync(batch, count, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Nothing queued may be left waiting forever on shutdown.
        while (reader.TryRead(out var leftover))
        {
            leftover.Done.TrySetException(new StoreUnavailableException("the service is shutting down", null));
        }
    }

    /// <summary>
    /// Errors about the data itself (SQLSTATE classes 22, data exception, 23, integrity constraint, and 54,
    /// program limit): the same data fails again. Anything else, a read-only standby after a failover say, is an
    /// outage: answered 503, which Prometheus retries, never 400, on which it drops the alerts.
    /// </summary>
    private static bool RefusedData(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal)
        || e.SqlState.StartsWith("23", StringComparison.Ordinal) || e.SqlState.StartsWith("54", StringComparison.Ordinal);

    /// <summary>Writes a batch and answers each of its requests.</summary>
    private async Task StoreAsync(List<WriteRequest> batch, int count, CancellationToken ct)
    {
        try
        {
            await UpsertAsync(batch, ct);
            foreach (var r in batch)
            {
                r.Done.TrySetResult();
            }
        }
        catch (PostgresException e) when (RefusedData(e) && batch.Count > 1)
        {
            // PostgreSQL refused something in the batch, not the batch: one sender's bad data must not
            // cost every other sender a 503. Each request is written on its own to find the culprit.
            log.LogWarning("Storing a batch of {Count} alerts was refused ({Error}); writing its {Requests} requests one by one",
                count, e.MessageText, batch.Count);
            foreach (var r in batch)
            {
                await StoreAsync([r], r.Alerts.Count, ct);
            }
        }
        catch (PostgresException e) when (RefusedData(e))
        {
            log.LogWarning("Refused {Count} alerts the database would not store: {Error}", count, e.MessageText);
            batch[0].Done.TrySetException(new Api.BadInputException($"the database refused these alerts, nothing was stored: {e.MessageText}"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning("Storing {Count} alerts failed: {Error}", count, e.Message);
            foreach (var r in batch)
            {
                r.Done.TrySetException(new StoreUnavailableException("the alert store is unavailable", e));
            }
        }
    }

    private async Task UpsertAsync(List<WriteRequest> batch, CancellationToken ct)
    {
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
        Notifications.Dispatcher.Claim? claim = null;
        List<Silences.Silence> claimSilences = [];
        Notifications.FlushCommit? flushed = null;
        var claimedAt = DateTimeOffset.MinValue;
        try
        {
            // One statement per round writes the alerts and, in the same transaction, groups those that are new or fire
            // again: an alert that was acknowledged is in its groups. With it, other instances drop what they remember of
            // stored alerts (delivered at commit). BEGIN and COMMIT ride in the same batches: when nothing falls due at
            // once, the transaction is one round trip.
            var handOffTo = dispatcher.HandOffTo;
            var inline = false;
            for (var i = 0; i < rounds.Count; i++)
            {
                var last = i == rounds.Count - 1;
                var candidates = router.CandidatesFor(rounds[i].Values.Select(s => (s.Alert.Fingerprint, s.Alert.Labels, s.Alert.StartsAt)), now,
                    fp => cache.KnownFiring(fp, now));
                await using var statements = new NpgsqlBatch(conn);
                if (i == 0)
                {
                    statements.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                }
                statements.BatchCommands.Add(UpsertStatement(rounds[i], candidates, now, (WrittenChannel, instance.Name)));
                // A group this may make due at once (group_wait 0) is claimed here too, with the silences its flush
                // needs. On the in-memory bus its flush is then decided and committed here as well
                // (Dispatcher.DecideInline): one durable commit for the alert and its notification, and no claim of
                // the dispatcher's, on the way to the receiver.
                var claimNow = claimedAt = candidates.ScheduleNow;
                // Not once shutdown began: the dispatcher and delivery stop before the writer, and a claim nobody flushes
                // would hold its groups for a lease; unclaimed, the next instance flushes them at once.
                var claiming = last && candidates.MayBeDueNow && !lifetime.ApplicationStopping.IsCancellationRequested;
                inline = claiming && handOffTo is not null && _inlineFlush;
                if (claiming)
                {
                    statements.BatchCommands.Add(Notifications.Dispatcher.ClaimStatement(Notifications.Dispatcher.WriterClaimOwner(instance.Name), claimNow));
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
                }
                if (claiming)
                {
                    await reader.NextResultAsync(ct);
                    claim = await Notifications.Dispatcher.ReadClaimAsync(reader, claimNow, ct);
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
                flushed = await FlushAndCommitAsync(conn, claim, claimSilences, handOffTo, ct);
            }
        }
        catch
        {
            await RollBackAsync(conn);
            throw;
        }
        cache.Remember(generation, stored);
        if (flushed is not null)
        {
            await dispatcher.CompleteAsync(flushed, claim!.Groups.Count, ct);
        }
        else if (claim is { Groups.Count: > 0 })
        {
            dispatcher.Offer(claim, claimSilences, claimedAt);
        }
        if (dueSoon && (claim is null || claim.Groups.Count >= Notifications.Dispatcher.BatchSize))
        {
            // Due groups the claim did not cover, or a start that merged earlier than the alert said.
            router.SignalDue();
        }
    }

    /// <summary>Whether flushes are decided in the ingestion transaction; off for good after that failed once.</summary>
    private volatile bool _inlineFlush = true;

    /// <summary>
    /// Decides the claimed groups' flushes and commits them with the alerts. Returns null when they were not decided
    /// here (an inhibit rule needs its sources read): the claim then goes to the dispatcher. A failure of the flush's
    /// own statements is answered 503 (Prometheus sends again) and turns this off, so it cannot refuse alerts twice.
    /// </summary>
    private async Task<Notifications.FlushCommit?> FlushAndCommitAsync(NpgsqlConnection conn, Notifications.Dispatcher.Claim? claim,
        List<Silences.Silence> silences, string? handOffTo, CancellationToken ct)
    {
        Notifications.FlushWrites? work = null;
        if (claim is { Groups.Count: > 0 })
        {
            try
            {
                work = dispatcher.DecideInline(claim, silences);
            }
            catch (Exception e)
            {
                // A bug in deciding must not refuse alerts: the dispatcher decides again in its own pass.
                _inlineFlush = false;
                log.LogError(e, "Deciding a flush in the ingestion transaction failed; flushes are left to the dispatcher from now on");
            }
        }
        await using var last = new NpgsqlBatch(conn);
        work?.AddTo(last, handOffTo);
        last.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        try
        {
            await using var reader = await last.ExecuteReaderAsync(ct);
            if (work is null)
            {
                while (await reader.NextResultAsync(ct))
                {
                }
                return null;
            }
            return await work.ReadAsync(reader, silences, ct);
        }
        catch (PostgresException e) when (work is not null && e.BatchCommand?.CommandText != "COMMIT")
        {
            // Refused as written (data, integrity, syntax, limits) it would be refused again: stop trying. A deadlock or
            // a restarting server is passing: this batch is refused, the next tries again.
            if (e.SqlState[..2] is "22" or "23" or "42" or "54")
            {
                _inlineFlush = false;
                log.LogError(e, "Writing a flush in the ingestion transaction failed; flushes are left to the dispatcher from now on");
            }
            throw new StoreUnavailableException("the alert store failed, nothing was stored", e);
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

    /// <summary>
    /// Upsert and grouping in one statement. The merge follows Alertmanager's rules; an end that only moved forward a
    /// little is left as stored (<see cref="EndsAtLag"/>, the same rule in C#). Of the written alerts, the new ones and
    /// those firing again join the candidate groups (<see cref="GroupRouter.CandidatesFor"/>): groups are made if missing
    /// (first flush after group_wait from the stored start, or at once, as Alertmanager does for an alert older than
    /// group_wait), memberships, acknowledgement resets and history are written, lifecycle events first.
    /// Each input row answers: its stored start and end, and whether a new group is due now.
    /// </summary>
    private static readonly string UpsertSql = $$"""
        WITH i AS (
            SELECT * FROM unnest($1::bigint[], $2::jsonb[], $3::jsonb[], $4::timestamptz[], $5::timestamptz[],
                                 $6::text[], $7::timestamptz[], $8::boolean[], $9::text[], $10::jsonb[]) WITH ORDINALITY
                AS t(fp, labels, ann, starts, ends, gen, upd, timeout, source, extra, ord)
        ), m AS (
            SELECT i.*, s.fingerprint IS NULL AS is_new,
                   s.annotations AS s_ann, s.starts_at AS s_starts, s.ends_at AS s_ends, s.generator_url AS s_gen,
                   s.timeout AS s_timeout, s.source AS s_source, s.extra AS s_extra,
                   (s.fingerprint IS NOT NULL AND ((i.ends > s.starts_at AND i.ends < s.ends_at)
                       OR (i.starts > s.starts_at AND i.starts < s.ends_at))) AS is_overlap
            FROM i LEFT JOIN alerts s ON s.fingerprint = i.fp
        ), merged AS (
            SELECT fp, ord, labels, ann, gen, upd, timeout, source, extra, is_new,
                   s_ann, s_starts, s_ends, s_gen, s_timeout, s_source, s_extra,
                   CASE WHEN is_overlap AND s_starts < starts THEN s_starts ELSE starts END AS starts,
                   CASE
                       WHEN NOT is_overlap THEN ends
                       WHEN ends <= $11 THEN CASE WHEN s_ends <= $11 AND s_ends > ends THEN s_ends ELSE ends END
                       WHEN s_ends > ends AND NOT s_timeout THEN s_ends
                       ELSE ends
                   END AS ends
            FROM m
        ), written AS (
            INSERT INTO alerts AS a (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, extra, state, state_changed_at)
            SELECT fp, labels, ann, starts, ends, gen, upd, timeout, source, extra, 'pending', $11 FROM merged
            WHERE is_new OR (ann, starts, gen, timeout, source, extra)
                  IS DISTINCT FROM (s_ann, s_starts, s_gen, s_timeout, s_source, s_extra)
               OR NOT (ends = s_ends
                       OR (s_ends > $11 AND ends > s_ends AND ends - s_ends <= $12 AND ends - s_ends <= (ends - $11) / 4))
            ON CONFLICT (fingerprint) DO UPDATE SET
                labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, starts_at = EXCLUDED.starts_at,
                ends_at = EXCLUDED.ends_at, generator_url = EXCLUDED.generator_url, updated_at = EXCLUDED.updated_at,
                timeout = EXCLUDED.timeout, source = EXCLUDED.source, extra = EXCLUDED.extra,
                -- A resolved alert that fires again starts a new life: pending until its group flushes.
                state = CASE WHEN a.ends_at <= $11 AND EXCLUDED.ends_at > $11 THEN 'pending' ELSE a.state END,
                state_changed_at = CASE WHEN a.ends_at <= $11 AND EXCLUDED.ends_at > $11 THEN $11 ELSE a.state_changed_at END
            RETURNING fingerprint, starts_at, ends_at
        ), r AS (
            SELECT m.ord, m.fp, w.fingerprint IS NOT NULL AS wrote, coalesce(w.starts_at, m.s_starts) AS starts,
                   coalesce(w.ends_at, m.s_ends) AS ends, m.is_new, m.s_ends AS prev_ends
            FROM merged m LEFT JOIN written w ON w.fingerprint = m.fp
        ), life AS (
            SELECT ord, fp, starts,
                   CASE WHEN is_new THEN CASE WHEN ends > $11 THEN 'received' ELSE 'received_resolved' END
                        WHEN prev_ends <= $11 AND ends > $11 THEN 'refired'
                        WHEN prev_ends > $11 AND ends <= $11 THEN 'resolved' END AS event,
                   is_new OR (prev_ends <= $11 AND ends > $11) AS joins
            FROM r WHERE wrote
        ), cand AS (
            SELECT t.k, t.rt, t.rc, t.gl, t.f,
                   CASE WHEN l.starts + t.w <= $11 THEN $19 ELSE $19 + t.w END AS due
            FROM unnest($13::bigint[], $14::text[], $15::text[], $16::text[], $17::jsonb[], $18::interval[]) AS t(f, k, rt, rc, gl, w)
            JOIN life l ON l.fp = t.f AND l.joins
        ), {{GroupRouter.JoinGroupsSql("$11")}}, folded AS (
            -- A new (or firing again) alert's first group rides on its lifecycle row: one history row, not two, for
            -- most new alerts; HistoryReader lists it as the two events it stands for.
            SELECT DISTINCT ON (m.fingerprint) m.fingerprint, m.group_key
            FROM mem m JOIN life l ON l.fp = m.fingerprint AND l.event IS NOT NULL
            ORDER BY m.fingerprint, m.group_key
        ), ev AS (
            INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
            SELECT f, $11, e, gk, d FROM (
                SELECT l.fp AS f, l.event AS e, fo.group_key AS gk, CASE WHEN l.event = 'resolved' THEN 'resolved by its sender' END AS d, l.ord AS o
                FROM life l LEFT JOIN folded fo ON fo.fingerprint = l.fp WHERE l.event IS NOT NULL
                UNION ALL
                SELECT m.fingerprint, 'grouped', m.group_key, NULL, 9223372036854775807 FROM mem m
                WHERE NOT EXISTS (SELECT 1 FROM folded fo WHERE fo.fingerprint = m.fingerprint AND fo.group_key = m.group_key)
            ) x ORDER BY o
        ), n AS (
            SELECT pg_notify($21, $22) WHERE EXISTS (SELECT 1 FROM written)
        )
        SELECT r.fp, r.starts, r.ends,
               (SELECT coalesce(bool_or(next_flush_at <= $20), false) FROM g), (SELECT count(*) FROM n)
        FROM r
        """;

    private static NpgsqlBatchCommand UpsertStatement(Dictionary<ulong, StoredAlert> round, Candidates candidates, DateTimeOffset now,
        (string Channel, string Payload) notify)
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
            k++;
        }

        var cmd = new NpgsqlBatchCommand(UpsertSql);
        cmd.Parameters.Add(SqlArray.Of(fp, NpgsqlDbType.Bigint));
        cmd.Parameters.Add(SqlArray.Of(labels, NpgsqlDbType.Jsonb));
        cmd.Parameters.Add(SqlArray.Of(ann, NpgsqlDbType.Jsonb));
        cmd.Parameters.Add(SqlArray.Of(starts, NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(ends, NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(gen, NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(upd, NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(timeout, NpgsqlDbType.Boolean));
        cmd.Parameters.Add(SqlArray.Of(source, NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(extra, NpgsqlDbType.Jsonb));
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = EndsAtLag.MaxLag, NpgsqlDbType = NpgsqlDbType.Interval });
        candidates.AddParameters(cmd.Parameters);
        cmd.Parameters.Add(candidates.DueNowParameter());
        cmd.Parameters.Add(new NpgsqlParameter { Value = notify.Channel, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = notify.Payload, NpgsqlDbType = NpgsqlDbType.Text });
        return cmd;
    }

    private sealed class WriteRequest(IReadOnlyList<StoredAlert> alerts)
    {
        public IReadOnlyList<StoredAlert> Alerts { get; } = alerts;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The database cannot take writes now; the API answers 503 with Retry-After.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner) : Exception(message, inner);
