using System.Collections.Concurrent;
using Alerting.Channels;
using Alerting.Hosting;
using Alerting.Metrics;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Notifications;

/// <summary>
/// Sends one outbox row: claims it with a lease, renders the message and makes one attempt; a retryable failure
/// defers the row (retries go on until the flush's deadline). On success it writes the notification log and
/// removes the row in one transaction. A failed send leaves the notification log alone, so the next flush sends again.
/// </summary>
internal sealed class Delivery(
    NpgsqlDataSource db,
    Persistence.RelaxedDb relaxed,
    Persistence.GenericPlanDb durable,
    Notifiers notifiers,
    Links.LinkSigner links,
    OutboxPublisher publisher,
    InstanceInfo instance,
    ServerOptions options,
    AlertingMetrics metrics,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<Delivery> log) : IHostedService
{
    /// <summary>
    /// How long a claimed row stays ours without renewal. <see cref="OutboxLeases"/> renews the rows in flight every
    /// few seconds, so an attempt may take longer than this; a crashed sender's rows come back after it.
    /// </summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    /// <summary>How long a send's outcome waits for an unreachable database before it is given up (and sent again later).</summary>
    private static readonly TimeSpan StorePatience = TimeSpan.FromMinutes(5);

    /// <summary>At most this many attempts to one destination at a time; the bus has 64 consumer slots.</summary>
    internal const int PerDestination = 16;

    private readonly ConcurrentDictionary<long, byte> _inFlight = new();
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _background = new();

    /// <summary>Rows deferred after a failed attempt, by destination: a success there wakes them at once.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, byte>> _deferred = new(StringComparer.Ordinal);

    /// <summary>Rows this instance is working on now, for <see cref="OutboxLeases"/> to renew.</summary>
    public long[] InFlight => [.. _inFlight.Keys];

    public async Task DeliverAsync(long id, CancellationToken ct)
    {
        // One row is never worked on twice at once here, whatever a repeated message or a jumping clock says.
        if (!_inFlight.TryAdd(id, 0))
        {
            return;
        }
        await RunAsync(id, () => ClaimAndSendAsync(id, ct), ct);
    }

    /// <summary>
    /// Sends a row that the flush which made it also claimed for this instance, in a durable commit with what the
    /// send reads (see <see cref="Dispatcher"/>): the claim's round trip and the bus hop are saved. Runs in the
    /// background; once shutdown has begun, the row goes back to the outbox unsent, for the next instance.
    /// </summary>
    public void HandOff(Claimed claimed)
    {
        var id = claimed.Row.Id;
        if (!_inFlight.TryAdd(id, 0))
        {
            return;
        }
        var stopping = lifetime.ApplicationStopping;
        Track(Task.Run(async () =>
        {
            try
            {
                await RunAsync(id, async () =>
                {
                    if (!stopping.IsCancellationRequested)
                    {
                        return await SendClaimedAsync(claimed, stopping);
                    }
                    await ReleaseAsync(id, CancellationToken.None);
                    return Outcome.Done;
                }, CancellationToken.None);
            }
            catch (Exception e)
            {
                // No bus to report it to: log it; the row's lease runs out and it is sent again.
                log.LogError(e, "Delivering outbox row {Id} failed unexpectedly", id);
            }
        }));
    }

    private void Track(Task task)
    {
        _background[task] = 0;
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task RunAsync(long id, Func<Task<Outcome>> work, CancellationToken ct)
    {
        var outcome = Outcome.Done;
        try
        {
            outcome = await work();
        }
        catch (Exception e) when (StoreFailure(e))
        {
            // Not the bus's problem: the row stays in the outbox, and the sweeper brings it back once it is free.
            log.LogWarning("Delivering outbox row {Id} stopped, database unavailable: {Error}", id, e.Message);
        }
        finally
        {
            if (outcome != Outcome.Queued)
            {
                _inFlight.TryRemove(id, out _);
            }
        }
        if (outcome == Outcome.Again)
        {
            await publisher.PublishAsync(id, ct);
        }
    }

    private enum Outcome
    {
        /// <summary>Sent, failed for good, deferred for a retry, or not ours: nothing more to do now.</summary>
        Done,

        /// <summary>Handed back with a newer snapshot to send: publish it again.</summary>
        Again,

        /// <summary>Waiting for its destination (claimed, lease kept); it runs when an attempt there finishes.</summary>
        Queued,
    }

    private async Task<Outcome> ClaimAndSendAsync(long id, CancellationToken ct)
    {
        Claimed? claimed;
        try
        {
            claimed = await ClaimAsync(id, time.GetUtcNow(), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown cut the claim off; it may have been committed all the same. Hand the row back, unsent.
            await ReleaseAsync(id, CancellationToken.None);
            return Outcome.Done;
        }
        return claimed is null
            ? Outcome.Done // delivered already, or another instance holds it
            : await SendClaimedAsync(claimed, ct);
    }

    private async Task<Outcome> SendClaimedAsync(Claimed claimed, CancellationToken ct)
    {
        var row = claimed.Row;
        var id = row.Id;
        Prepared? prepared;
        try
        {
            prepared = await PrepareAsync(claimed, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown came before the send: the row goes back now, for the next instance, not after its lease.
            await ReleaseAsync(row.Id, CancellationToken.None);
            return Outcome.Done;
        }
        catch (Exception e) when (StoreFailure(e))
        {
            // Nothing was sent: hand the row back as soon as the database answers, and send it then.
            log.LogWarning("Preparing {Receiver}/{Integration} for {Group} failed, database unavailable: {Error}", row.Receiver, row.Integration, row.GroupKey, e.Message);
            return await RetryStoreAsync(id, () => ReleaseAsync(row.Id, CancellationToken.None), ct) ? Outcome.Again : Outcome.Done;
        }
        if (prepared is null)
        {
            log.LogWarning("Dropping notification for {Receiver}/{Integration}: no such integration in the running configuration", row.Receiver, row.Integration);
            var replaced = false;
            await RetryStoreAsync(id, async () => replaced = await FinishAsync(row, success: false, CancellationToken.None), ct);
            return replaced ? Outcome.Again : Outcome.Done;
        }

        if (_deferred.TryGetValue(prepared.Target.Destination, out var deferred))
        {
            deferred.TryRemove(id, out _);
        }
        // A slow or hanging destination gets a few attempts at a time; the rest wait here, not in the bus's slots.
        var gate = _gates.GetOrAdd(prepared.Target.Destination, _ => new Gate());
        var release = false;
        lock (gate)
        {
            if (gate.Running >= PerDestination)
            {
                // Once shutdown began nothing releases the waiting line again (ReleaseWaiting ran, under this lock):
                // a row that would wait goes back now, for the next instance.
                if (!lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    gate.Waiting.Enqueue((row, prepared));
                    return Outcome.Queued;
                }
                release = true;
            }
            else
            {
                gate.Running++;
            }
        }
        if (release)
        {
            await ReleaseAsync(id, CancellationToken.None);
            return Outcome.Done;
        }
        try
        {
            return await AttemptAsync(row, prepared, ct) ? Outcome.Again : Outcome.Done;
        }
        finally
        {
            Leave(gate);
        }
    }

    /// <summary>Frees a place at the destination and, unless shutting down, starts the next row waiting for it.</summary>
    private void Leave(Gate gate)
    {
        (OutboxClaim Row, Prepared Prepared) next;
        lock (gate)
        {
            if (gate.Waiting.Count == 0 || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                gate.Running--;
                return;
            }
            next = gate.Waiting.Dequeue();
        }
        Track(Task.Run(() => RunQueuedAsync(gate, next.Row, next.Prepared)));
    }

    private async Task RunQueuedAsync(Gate gate, OutboxClaim row, Prepared prepared)
    {
        var again = false;
        try
        {
            again = await AttemptAsync(row, prepared, lifetime.ApplicationStopping);
        }
        catch (Exception e) when (StoreFailure(e))
        {
            log.LogWarning("Delivering outbox row {Id} stopped, database unavailable: {Error}", row.Id, e.Message);
        }
        catch (Exception e)
        {
            // A bug must not lose the place at the destination; the row's lease runs out and it is sent again.
            log.LogError(e, "Delivering outbox row {Id} failed unexpectedly", row.Id);
        }
        finally
        {
            _inFlight.TryRemove(row.Id, out _);
            Leave(gate);
        }
        if (again)
        {
            await publisher.PublishAsync(row.Id, CancellationToken.None);
        }
    }

    /// <summary>On shutdown, rows still waiting for their destination never started: they go back at once.</summary>
    private void ReleaseWaiting()
    {
        foreach (var gate in _gates.Values)
        {
            List<OutboxClaim> waiting;
            lock (gate)
            {
                waiting = [.. gate.Waiting.Select(w => w.Row)];
                gate.Waiting.Clear();
            }
            foreach (var row in waiting)
            {
                Track(Task.Run(async () =>
                {
                    try
                    {
                        await ReleaseAsync(row.Id, CancellationToken.None);
                    }
                    catch (Exception e) when (StoreFailure(e))
                    {
                        // Its lease runs out by itself.
                    }
                    finally
                    {
                        _inFlight.TryRemove(row.Id, out _);
                    }
                }));
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(ReleaseWaiting);
        return Task.CompletedTask;
    }

    /// <summary>Runs after the bus has stopped: attempts started from the waiting lines finish and are recorded.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ReleaseWaiting();
        try
        {
            // Hand-offs may start more background work while the first ones finish: wait until none is left.
            while (!_background.IsEmpty)
            {
                await Task.WhenAll(_background.Keys).WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: what is still running is the documented window.
        }
    }

    private sealed class Gate
    {
        public int Running;
        public readonly Queue<(OutboxClaim Row, Prepared Prepared)> Waiting = new();
    }

    /// <summary>
    /// One attempt, and what follows from it: success or failure recorded, or the retry deferred. Waiting here for a
    /// retry would hold one of the bus's consumer slots, and enough rows for a dead receiver would then hold them
    /// all. The attempt itself is never cut off (each channel bounds it): cutting off a request the receiver may
    /// already have acted on would only cause a duplicate. Returns true when a newer snapshot is left to send.
    /// </summary>
    private async Task<bool> AttemptAsync(OutboxClaim row, Prepared prepared, CancellationToken ct)
    {
        var id = row.Id;
        var (target, request, snapshot) = prepared;
        var integration = target.Notifier.Integration;
        if (row.Attempts == 1)
        {
            // A new notification (a flush that replaces the snapshot starts the count again), not a retry.
            metrics.Notifications.WithLabels(integration).Inc();
        }

        var started = time.GetTimestamp();
        var result = await SendThroughBreakerAsync(target.Notifier, target.Destination, request, CancellationToken.None);
        await RecordAttemptAsync(row, result, snapshot, CancellationToken.None);
        metrics.NotificationRequests.WithLabels(integration).Inc();
        if (result.Outcome != SendOutcome.Success)
        {
            metrics.NotificationRequestsFailed.WithLabels(integration).Inc();
        }

        if (result.Outcome == SendOutcome.Retryable && time.GetUtcNow() < row.Deadline)
        {
            // Until the flush's deadline: about 0.5 s × 1.5ⁿ, or the receiver's Retry-After.
            var delay = Backoff(row.Attempts - 1, result.RetryAfter);
            if (await RetryStoreAsync(id, () => DeferAsync(id, delay, CancellationToken.None), ct))
            {
                _deferred.GetOrAdd(target.Destination, _ => new()).TryAdd(id, 0);
                _ = RedeliverAsync(id, delay);
            }
            return false;
        }

        var success = result.Outcome == SendOutcome.Success;
        if (success)
        {
            metrics.NotificationLatency.WithLabels(integration).Observe(time.GetElapsedTime(started).TotalSeconds);
            if (_deferred.TryGetValue(target.Destination, out var waiting) && !waiting.IsEmpty)
            {
                _ = WakeAsync(waiting);
            }
        }
        else
        {
            var reason = result.Outcome == SendOutcome.Permanent ? "clientError" : "serverError";
            metrics.NotificationsFailed.WithLabels(integration, reason).Inc();
            log.LogWarning("Notify {Receiver}/{Integration} for {Group} failed after {Attempts} attempts: {Error}",
                row.Receiver, row.Integration, row.GroupKey, row.Attempts, result.Error);
        }
        // The receiver has it: losing the database now must not make us send it again, so keep trying to record
        // that. Giving up (or a crash meanwhile) is the documented window of at-least-once delivery.
        var replaced = false;
        if (!await RetryStoreAsync(id, async () => replaced = await FinishAsync(row, success, CancellationToken.None), ct))
        {
            log.LogError("Could not record the outcome of {Receiver}/{Integration} for {Group}; it will be sent again",
                row.Receiver, row.Integration, row.GroupKey);
        }
        return replaced;
    }

    /// <summary>
    /// Keeps the row ours until the retry is due, without holding anything meanwhile: nobody claims it before then
    /// (the lease is not renewed), and if we are gone by then, any instance's sweeper takes it.
    /// </summary>
    private async Task DeferAsync(long id, TimeSpan delay, CancellationToken ct)
    {
        await using var cmd = relaxed.GenericPlans.CreateCommand("UPDATE outbox SET lease_until = $2 WHERE id = $1 AND lease_owner = $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (time.GetUtcNow() + delay).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The destination answers again (after a failure, or its circuit's probe got through): the rows deferred for it
    /// need not wait out their back-off, which may be the circuit's 30 s.
    /// </summary>
    private async Task WakeAsync(ConcurrentDictionary<long, byte> waiting)
    {
        long[] ids = [.. waiting.Keys];
        foreach (var id in ids)
        {
            waiting.TryRemove(id, out _);
        }
        try
        {
            await using var cmd = relaxed.GenericPlans.CreateCommand("UPDATE outbox SET lease_until = $2 WHERE id = ANY($1) AND lease_owner = $3 AND lease_until > $2 RETURNING id");
            cmd.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
            var woken = new List<long>();
            await using (var reader = await cmd.ExecuteReaderAsync(lifetime.ApplicationStopping))
            {
                while (await reader.ReadAsync(lifetime.ApplicationStopping))
                {
                    woken.Add(reader.GetInt64(0));
                }
            }
            await publisher.PublishAllAsync(woken, lifetime.ApplicationStopping);
        }
        catch (Exception e) when (StoreFailure(e) || e is OperationCanceledException)
        {
            // They wake when their back-off ends, as they would have anyway.
        }
    }

    /// <summary>Publishes the row again when its retry is due; on shutdown, the lease simply runs out.</summary>
    private async Task RedeliverAsync(long id, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, time, lifetime.ApplicationStopping);
            await publisher.PublishAsync(id, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the sweeper of whichever instance runs next picks the row up.
        }
    }

    private sealed record Prepared(ResolvedNotifier Target, NotificationRequest Request, OutboxSnapshot Snapshot);

    /// <summary>The integration, and the message rendered from the row's snapshot; null when the integration is gone.</summary>
    private async Task<Prepared?> PrepareAsync(Claimed claimed, CancellationToken ct)
    {
        var row = claimed.Row;
        var snapshot = OutboxSnapshot.FromJson(row.Payload);
        var target = notifiers.Find(row.Receiver, row.Integration, claimed.Extras(snapshot, time.GetUtcNow()));
        if (target is null)
        {
            return null;
        }
        var data = snapshot.ToData(options.EffectiveExternalUrl());
        var request = new NotificationRequest(row.Receiver, row.GroupKey, target.Render(data), snapshot.Alerts.Count)
        {
            Data = data,
            Links = await links.ForGroupAsync(row.GroupKey, row.Receiver, Labels.LabelSet.From(snapshot.GroupLabels), options.EffectiveExternalUrl(), ct),
            IdempotencyKey = IdempotencyKey(row, snapshot),
        };
        return new Prepared(target, request, snapshot);
    }

    /// <summary>
    /// Runs a database step again while the database is unreachable, for up to <see cref="StorePatience"/> or until
    /// shutdown. The row stays ours meanwhile: nobody else claims it before its lease ran out, and after an outage
    /// the sweepers leave rows others held alone for a few seconds, while <see cref="OutboxLeases"/> renews ours.
    /// Returns false when it gave up.
    /// </summary>
    private async Task<bool> RetryStoreAsync(long id, Func<Task> step, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                await step();
                return true;
            }
            catch (Exception e) when (StoreFailure(e))
            {
                if (ct.IsCancellationRequested || time.GetElapsedTime(started) + delay > StorePatience)
                {
                    log.LogWarning("Gave up on the database for outbox row {Id}: {Error}", id, e.Message);
                    return false;
                }
                try
                {
                    await Task.Delay(delay, time, ct);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
                delay = delay * 2 < TimeSpan.FromSeconds(2) ? delay * 2 : TimeSpan.FromSeconds(2);
            }
        }
    }

    /// <summary>Failures that mean "the database is not there right now", as opposed to a bug.</summary>
    internal static bool StoreFailure(Exception e) => e is NpgsqlException or TimeoutException
        || (e is InvalidOperationException && e.InnerException is NpgsqlException);

    /// <summary>
    /// One dead endpoint must not hold deliveries for whole timeouts: after repeated failures without an
    /// answer (refused, timed out) its circuit opens and attempts fail at once until a probe gets through.
    /// An answer, even an error status, proves the endpoint is there.
    /// </summary>
    private async Task<SendResult> SendThroughBreakerAsync(INotifier notifier, string destination, NotificationRequest request, CancellationToken ct)
    {
        if (CircuitBreaker.Shared.Check(destination, time.GetUtcNow()) is { } open)
        {
            return new SendResult(SendOutcome.Retryable, null, $"circuit open after repeated failures, last: {open.LastError}", TimeSpan.Zero, open.RetryAfter);
        }
        var result = await notifier.SendAsync(request, ct);
        if (result.Outcome == SendOutcome.Retryable && result.StatusCode is null && result.RetryAfter is null)
        {
            CircuitBreaker.Shared.Failed(destination, result.Error ?? "no answer", time.GetUtcNow());
        }
        else
        {
            CircuitBreaker.Shared.Succeeded(destination);
        }
        return result;
    }

    internal static TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after && after > TimeSpan.Zero)
        {
            return after < TimeSpan.FromMinutes(5) ? after : TimeSpan.FromMinutes(5);
        }
        var seconds = Math.Min(60, 0.5 * Math.Pow(1.5, attempt));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    /// <summary>
    /// Takes the row unless another instance holds it, and in the same round trip reads what the message says
    /// besides the alerts: Grafana's links, the group's acknowledgement (the receiver's: groups of sibling routes with
    /// identical matchers share the key) and the silences. A row of our own that is
    /// not in flight here (the in-flight guard runs first) was deferred by us: its retry is due when we say so,
    /// whatever the clock says about its lease.
    /// </summary>
    private async Task<Claimed?> ClaimAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
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
                 WHERE l.group_key = outbox.group_key AND l.receiver = outbox.receiver AND l.integration = outbox.integration)
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
        var acknowledged = new NpgsqlBatchCommand("""
            SELECT g.acknowledged_by, g.acknowledged_at FROM aggregation_groups g
            JOIN outbox o ON o.group_key = g.group_key AND o.receiver = g.receiver
            WHERE o.id = $1 AND g.acknowledged_at IS NOT NULL
            """);
        acknowledged.Parameters.Add(new NpgsqlParameter { Value = id });
        var silenced = new NpgsqlBatchCommand(Persistence.SilenceStore.ActiveOrPendingSql);
        silenced.Parameters.Add(Persistence.SilenceStore.ActiveOrPendingParameter(now));
        batch.BatchCommands.Add(claim);
        batch.BatchCommands.Add(grafana);
        batch.BatchCommands.Add(acknowledged);
        batch.BatchCommands.Add(silenced);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var row = new OutboxClaim(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetFieldValue<long[]>(5), reader.GetFieldValue<long[]>(6), reader.GetString(7), reader.GetInt32(8),
            reader.GetFieldValue<DateTimeOffset>(9), reader.GetInt32(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11));
        await reader.NextResultAsync(ct);
        var links = new Dictionary<string, Templating.GrafanaLinks>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            if (Templating.GrafanaLinks.FromExtra(reader.GetString(1)) is { } found)
            {
                links[Labels.Fingerprint.Format(unchecked((ulong)reader.GetInt64(0)))] = found;
            }
        }
        await reader.NextResultAsync(ct);
        (string, DateTimeOffset)? ack = await reader.ReadAsync(ct)
            ? (reader.IsDBNull(0) ? "someone" : reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
            : null;
        await reader.NextResultAsync(ct);
        var silences = await Persistence.SilenceStore.ReadActiveOrPendingAsync(reader, ct);
        return new Claimed(row, links, ack, silences);
    }

    /// <summary>A claimed row and what was read with it.</summary>
    internal sealed record Claimed(OutboxClaim Row, Dictionary<string, Templating.GrafanaLinks> Grafana,
        (string By, DateTimeOffset At)? Acknowledged, List<Silences.Silence> Silences)
    {
        /// <summary>The silences that mute the group or one of the snapshot's alerts now, for the message to name.</summary>
        public MessageExtras Extras(OutboxSnapshot snapshot, DateTimeOffset now)
        {
            var alerts = snapshot.ToAlerts();
            var groupLabels = Labels.LabelSet.From(snapshot.GroupLabels);
            var silenced = Silences
                .Where(s => s.State(now) == Alerting.Silences.SilenceState.Active && (s.Matchers.Matches(groupLabels) || alerts.Any(a => s.Matchers.Matches(a.Labels))))
                .Select(s => (s.CreatedBy, s.EndsAt, s.Comment))
                .ToList();
            return new MessageExtras(Grafana, Acknowledged, silenced);
        }
    }

    private async Task ReleaseAsync(long id, CancellationToken ct)
    {
        await using var cmd = relaxed.GenericPlans.CreateCommand("UPDATE outbox SET lease_owner = NULL, lease_until = $2 WHERE id = $1 AND lease_owner = $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task RecordAttemptAsync(OutboxClaim row, SendResult result, OutboxSnapshot snapshot, CancellationToken ct)
    {
        try
        {
            await using var cmd = relaxed.GenericPlans.CreateCommand("""
                INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, error, latency_ms, alerts, reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.GroupKey });
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Receiver });
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Integration });
            cmd.Parameters.Add(new NpgsqlParameter { Value = result.Outcome switch { SendOutcome.Success => "success", SendOutcome.Retryable => "retry", _ => "failed" } });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)result.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)result.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = result.Latency.TotalMilliseconds });
            cmd.Parameters.Add(new NpgsqlParameter
            {
                Value = snapshot.Alerts.Select(a => unchecked((long)Labels.LabelSet.From(a.Labels).Fingerprint)).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint,
            });
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Reason });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning("Recording a send attempt failed: {Error}", e.Message);
        }
    }

    /// <summary>
    /// Success writes the notification log (only now, as Alertmanager) and marks the alerts notified.
    /// Either way the row goes, unless a later flush replaced its snapshot meanwhile: then it is sent next, and
    /// this returns true.
    /// </summary>
    private async Task<bool> FinishAsync(OutboxClaim row, bool success, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (success)
        {
            await using (var cmd = new NpgsqlCommand("""
                INSERT INTO notification_log (group_key, receiver, integration, firing_alerts, resolved_alerts, sent_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (group_key, receiver, integration) DO UPDATE SET
                    firing_alerts = EXCLUDED.firing_alerts, resolved_alerts = EXCLUDED.resolved_alerts, sent_at = EXCLUDED.sent_at
                """, conn, tx))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = row.GroupKey });
                cmd.Parameters.Add(new NpgsqlParameter { Value = row.Receiver });
                cmd.Parameters.Add(new NpgsqlParameter { Value = row.Integration });
                cmd.Parameters.Add(new NpgsqlParameter { Value = row.Firing, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                cmd.Parameters.Add(new NpgsqlParameter { Value = row.Resolved, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await using (var cmd = new NpgsqlCommand("""
                WITH changed AS (
                    -- Told as firing, even if it resolved while the message was on its way: the resolution follows.
                    UPDATE alerts SET state = 'firing', state_changed_at = $2
                    WHERE fingerprint = ANY($1) AND state = 'pending'
                    RETURNING fingerprint)
                INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
                SELECT fingerprint, $2, 'firing', $3, $4 FROM changed
                """, conn, tx))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = row.Firing, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(new NpgsqlParameter { Value = row.GroupKey });
                cmd.Parameters.Add(new NpgsqlParameter { Value = $"notified {row.Receiver}/{row.Integration}" });
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        bool replaced;
        await using (var cmd = new NpgsqlCommand("DELETE FROM outbox WHERE id = $1 AND version = $2", conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Version });
            replaced = await cmd.ExecuteNonQueryAsync(ct) == 0;
        }
        if (replaced)
        {
            // Only our own lease: after a long outage another instance may have claimed the new version meanwhile.
            await using var cmd = new NpgsqlCommand("UPDATE outbox SET lease_owner = NULL, lease_until = $2 WHERE id = $1 AND lease_owner = $3", conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return replaced;
    }

    /// <summary>
    /// Names a notification by what it tells and since when: the target, the alerts (each with its start, so a new
    /// life of an alert is a new notification) and the last send the log records. A resend after a crash, a retry,
    /// and a new row for the same alerts after a failed one all get the same key; a repeat after repeat_interval
    /// follows a recorded send and gets a new one.
    /// </summary>
    internal static string IdempotencyKey(OutboxClaim row, OutboxSnapshot snapshot)
    {
        var text = new System.Text.StringBuilder()
            .Append(row.GroupKey).Append('\n').Append(row.Receiver).Append('\n').Append(row.Integration).Append('\n')
            .Append(row.LastSentAt?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never").Append('\n')
            .AppendJoin(',', row.Firing.Order()).Append('\n')
            .AppendJoin(',', row.Resolved.Order()).Append('\n')
            .AppendJoin(',', snapshot.Alerts.Select(a => a.StartsAt.UtcTicks).Order());
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
    }

    internal sealed record OutboxClaim(long Id, string GroupKey, string Receiver, string Integration, string Payload,
        long[] Firing, long[] Resolved, string Reason, int Version, DateTimeOffset Deadline, int Attempts, DateTimeOffset? LastSentAt);
}
