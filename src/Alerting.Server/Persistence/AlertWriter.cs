using System.Threading.Channels;
using Alerting.Alerts;
using Alerting.Grouping;
using Alerting.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>
/// Durable alert ingestion with group commit: concurrent requests enqueue their alerts, a writer
/// drains whatever is queued and upserts it as a set in one transaction, then answers every request
/// (two writers, each with its own share of the fingerprints, see <see cref="Shards"/>).
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

    /// <summary>
    /// Writers working at once, each on its own share of the fingerprints. A PostgreSQL backend runs a statement on one
    /// core, so a single writer left the other idle while new alerts queued (bench/findings.md). An alert always goes
    /// to the same writer, so its writes stay in order; groups both writers create are inserted in key order, so
    /// neither waits on the other in a circle.
    /// </summary>
    internal const int Shards = 2;

    private readonly Channel<WriteRequest>[] _queues = [.. Enumerable.Range(0, Shards).Select(_ => Channel.CreateBounded<WriteRequest>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))];

    internal static int ShardOf(ulong fingerprint) => (int)(fingerprint % Shards);

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
        var first = ShardOf(alerts[0].Alert.Fingerprint);
        var split = false;
        for (var i = 1; i < alerts.Count && !split; i++)
        {
            split = ShardOf(alerts[i].Alert.Fingerprint) != first;
        }
        if (!split)
        {
            var request = new WriteRequest(alerts);
            await _queues[first].Writer.WriteAsync(request, ct);
            await request.Done.Task.WaitAsync(ct);
            return;
        }
        await WriteSplitAsync(alerts, ct);
    }

    /// <summary>
    /// A request whose alerts belong to several writers: each writes its share in its own transaction, and the answer
    /// waits for all. An outage anywhere is answered 503, so the sender sends the whole request again (writing a stored
    /// alert again changes nothing); a refusal of data says what was stored all the same. A new group due at once is
    /// held (leased, so no flush takes it) until every share is in, then freed for the dispatcher: its first
    /// notification holds all of the request's alerts, as when one transaction wrote them.
    /// </summary>
    private async Task WriteSplitAsync(IReadOnlyList<StoredAlert> alerts, CancellationToken ct)
    {
        var shares = new List<StoredAlert>?[Shards];
        foreach (var a in alerts)
        {
            (shares[ShardOf(a.Alert.Fingerprint)] ??= []).Add(a);
        }
        var requests = new List<WriteRequest>(Shards);
        for (var i = 0; i < Shards; i++)
        {
            if (shares[i] is { } share)
            {
                var request = new WriteRequest(share) { Split = true };
                requests.Add(request);
                await _queues[i].Writer.WriteAsync(request, ct);
            }
        }
        try
        {
            await Task.WhenAll(requests.Select(r => r.Done.Task)).WaitAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            var refused = requests.Where(r => r.Done.Task.IsFaulted).ToList();
            var failures = refused.Select(r => r.Done.Task.Exception!.InnerException!).ToList();
            if (failures.FirstOrDefault(e => e is not Api.BadInputException) is { } outage)
            {
                throw outage;
            }
            var stored = requests.Where(r => r.Done.Task.IsCompletedSuccessfully).Sum(r => r.Alerts.Count);
            if (stored == 0)
            {
                throw failures[0];
            }
            throw new Api.BadInputException($"the database refused {refused.Sum(r => r.Alerts.Count)} of these {alerts.Count} alerts: "
                + $"{string.Join("; ", refused.Select(r => r.Refusal).Distinct())}; the other {stored} were stored");
        }
        finally
        {
            await FreeHeldAsync(requests);
        }
    }

    /// <summary>The lease owner of new groups held while a request's other shares are written.</summary>
    private string HoldOwner => instance.Name + "/held";

    /// <summary>
    /// Frees the groups the shares' batches held once no request of those batches has a share left to write. One that
    /// cannot be freed now (the database is away, the request was cancelled) is freed by its lease.
    /// </summary>
    private async Task FreeHeldAsync(List<WriteRequest> requests)
    {
        if (requests.Any(r => !r.Done.Task.IsCompleted))
        {
            return;
        }
        var keys = new List<string>();
        var routes = new List<string>();
        foreach (var hold in requests.SelectMany(r => r.Holds))
        {
            if (Interlocked.Decrement(ref hold.Pending) == 0)
            {
                keys.AddRange(hold.Keys);
                routes.AddRange(hold.Routes);
            }
        }
        if (keys.Count == 0)
        {
            return;
        }
        try
        {
            await using var cmd = writerDb.Source.CreateCommand("""
                UPDATE aggregation_groups SET lease_owner = NULL, lease_until = NULL
                WHERE (group_key, route_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND lease_owner = $3
                """);
            cmd.Parameters.Add(SqlArray.Of(keys.ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(SqlArray.Of(routes.ToArray(), NpgsqlDbType.Text));
            cmd.Parameters.Add(new NpgsqlParameter { Value = HoldOwner });
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            router.SignalDue();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning("Freeing {Count} new groups held for a request's other alerts failed; their lease frees them: {Error}", keys.Count, e.Message);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select(q => Task.Run(() => RunAsync(q.Reader, stoppingToken), CancellationToken.None)));

    private async Task RunAsync(ChannelReader<WriteRequest> reader, CancellationToken stoppingToken)
    {
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

    private static bool Deadlocked(Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState == PostgresErrorCodes.DeadlockDetected;

    /// <summary>Writes a batch and answers each of its requests.</summary>
    private async Task StoreAsync(List<WriteRequest> batch, int count, CancellationToken ct)
    {
        try
        {
            try
            {
                await UpsertAsync(batch, ct);
            }
            catch (Exception e) when (Deadlocked(e))
            {
                // PostgreSQL chose this transaction to end a deadlock (with the other writer over acknowledged groups,
                // or with a dispatcher pass) and rolled it back: nothing of it is stored, and once more will do.
                log.LogInformation("Storing {Count} alerts met a deadlock and was rolled back; writing them again", count);
                await UpsertAsync(batch, ct);
            }
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
            batch[0].Refusal = e.MessageText;
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
        var holdOwner = batch.Any(r => r.Split) ? HoldOwner : null;
        List<string> heldKeys = [];
        List<string> heldRoutes = [];
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
                statements.BatchCommands.Add(UpsertStatement(rounds[i], candidates, now, (WrittenChannel, instance.Name), holdOwner));
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
                    if (!reader.IsDBNull(5))
                    {
                        heldKeys.AddRange(reader.GetFieldValue<string[]>(5));
                        heldRoutes.AddRange(reader.GetFieldValue<string[]>(6));
                    }
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
        if (heldKeys.Count > 0)
        {
            var hold = new HeldGroups(heldKeys, heldRoutes, batch.Count(r => r.Split));
            foreach (var r in batch.Where(r => r.Split))
            {
                r.Holds.Add(hold);
            }
        }
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
        ), {{GroupRouter.JoinGroupsSql("$11", ("$23", "$24", "$20"))}}, folded AS (
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
               (SELECT coalesce(bool_or(next_flush_at <= $20), false) FROM g), (SELECT count(*) FROM n),
               -- The groups held are the statement's, not a row's: on one row only.
               CASE WHEN r.ord = 1 THEN (SELECT array_agg(group_key) FROM g WHERE held) END,
               CASE WHEN r.ord = 1 THEN (SELECT array_agg(route_id) FROM g WHERE held) END
        FROM r
        """;

    private static NpgsqlBatchCommand UpsertStatement(Dictionary<ulong, StoredAlert> round, Candidates candidates, DateTimeOffset now,
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
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)holdOwner ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        // On the schedule's clock, as the claims that must pass over a held group compare it.
        cmd.Parameters.Add(new NpgsqlParameter { Value = (candidates.ScheduleNow + Notifications.Dispatcher.Lease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    private sealed class WriteRequest(IReadOnlyList<StoredAlert> alerts)
    {
        public IReadOnlyList<StoredAlert> Alerts { get; } = alerts;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>What PostgreSQL said when it refused these alerts as data.</summary>
        public string? Refusal { get; set; }

        /// <summary>One writer's share of a request others write the rest of.</summary>
        public bool Split { get; init; }

        /// <summary>New groups this share's batch held for the requests it wrote shares of.</summary>
        public List<HeldGroups> Holds { get; } = [];
    }

    /// <summary>New groups due at once that a batch held; freed when its last split request is fully written.</summary>
    private sealed class HeldGroups(List<string> keys, List<string> routes, int pending)
    {
        public List<string> Keys { get; } = keys;

        public List<string> Routes { get; } = routes;

        public int Pending = pending;
    }
}

/// <summary>The database cannot take writes now; the API answers 503 with Retry-After.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner) : Exception(message, inner);
