using System.Collections.Concurrent;
using Alerting.Channels;
using Alerting.Hosting;
using Alerting.Metrics;
using Npgsql;
using NpgsqlTypes;
using Polly;
using Polly.Retry;

namespace Alerting.Notifications;

/// <summary>
/// Sends one outbox row: claims it with a lease, renders the message, sends with retries until the
/// flush's deadline, and on success writes the notification log and removes the row in one transaction.
/// A failed send leaves the notification log alone, so the next flush sends again.
/// </summary>
internal sealed class Delivery(
    NpgsqlDataSource db,
    Notifiers notifiers,
    Links.LinkSigner links,
    Persistence.SilenceStore silences,
    OutboxPublisher publisher,
    InstanceInfo instance,
    ServerOptions options,
    AlertingMetrics metrics,
    TimeProvider time,
    ILogger<Delivery> log)
{
    /// <summary>
    /// How long a claimed row stays ours without renewal. <see cref="OutboxLeases"/> renews the rows in flight every
    /// few seconds, so an attempt may take longer than this; a crashed sender's rows come back after it.
    /// </summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    /// <summary>How long a send's outcome waits for an unreachable database before it is given up (and sent again later).</summary>
    private static readonly TimeSpan StorePatience = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<long, byte> _inFlight = new();

    /// <summary>Rows this instance is working on now, for <see cref="OutboxLeases"/> to renew.</summary>
    public long[] InFlight => [.. _inFlight.Keys];

    public async Task DeliverAsync(long id, CancellationToken ct)
    {
        // One row is never worked on twice at once here, whatever a repeated message or a jumping clock says.
        if (!_inFlight.TryAdd(id, 0))
        {
            return;
        }
        var again = false;
        try
        {
            again = await ClaimAndSendAsync(id, ct);
        }
        catch (Exception e) when (StoreFailure(e))
        {
            // Not the bus's problem: the row stays in the outbox, and the sweeper brings it back once it is free.
            log.LogWarning("Delivering outbox row {Id} stopped, database unavailable: {Error}", id, e.Message);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
        }
        if (again)
        {
            await publisher.PublishAsync(id, ct);
        }
    }

    /// <summary>Claims and sends the row. Returns true when the row was handed back with something left to send.</summary>
    private async Task<bool> ClaimAndSendAsync(long id, CancellationToken ct)
    {
        var row = await ClaimAsync(id, time.GetUtcNow(), ct);
        if (row is null)
        {
            return false; // delivered already, or another instance holds it
        }

        Prepared? prepared;
        try
        {
            prepared = await PrepareAsync(row, ct);
        }
        catch (Exception e) when (StoreFailure(e))
        {
            // Nothing was sent: hand the row back as soon as the database answers, and send it then.
            log.LogWarning("Preparing {Receiver}/{Integration} for {Group} failed, database unavailable: {Error}", row.Receiver, row.Integration, row.GroupKey, e.Message);
            return await RetryStoreAsync(id, () => ReleaseOrThrowAsync(row.Id, CancellationToken.None), ct);
        }
        var replaced = false;
        if (prepared is null)
        {
            log.LogWarning("Dropping notification for {Receiver}/{Integration}: no such integration in the running configuration", row.Receiver, row.Integration);
            await RetryStoreAsync(id, async () => replaced = await FinishAsync(row, success: false, CancellationToken.None), ct);
            return replaced;
        }
        var (target, request, snapshot) = prepared;
        var integration = target.Notifier.Integration;
        metrics.Notifications.WithLabels(integration).Inc();
        var started = time.GetTimestamp();

        SendResult? last = null;
        try
        {
            var destination = target.Destination;
            last = await Retry(time, row.Deadline).ExecuteAsync(async _ =>
            {
                // Shutdown cancels the wait between attempts, never an attempt under way: cutting off a request the
                // receiver may already have acted on would only cause a duplicate. Each channel bounds its attempt.
                var result = await SendThroughBreakerAsync(target.Notifier, destination, request, CancellationToken.None);
                await RecordAttemptAsync(row, result, snapshot, CancellationToken.None);
                metrics.NotificationRequests.WithLabels(integration).Inc();
                if (result.Outcome != SendOutcome.Success)
                {
                    metrics.NotificationRequestsFailed.WithLabels(integration).Inc();
                }
                return result;
            }, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: hand the row back at once, so the next instance (or start) sends it.
            await ReleaseAsync(row.Id, CancellationToken.None);
            throw;
        }
        var success = last?.Outcome == SendOutcome.Success;
        if (success)
        {
            metrics.NotificationLatency.WithLabels(integration).Observe(time.GetElapsedTime(started).TotalSeconds);
        }
        else
        {
            var reason = last is null ? "deadline" : last.Outcome == SendOutcome.Permanent ? "clientError" : "serverError";
            metrics.NotificationsFailed.WithLabels(integration, reason).Inc();
            log.LogWarning("Notify {Receiver}/{Integration} for {Group} failed after {Attempts} attempts: {Error}",
                row.Receiver, row.Integration, row.GroupKey, row.Attempts, last?.Error ?? "deadline passed");
        }
        // The receiver has it: losing the database now must not make us send it again, so keep trying to record
        // that. Giving up (or a crash meanwhile) is the documented window of at-least-once delivery.
        if (!await RetryStoreAsync(id, async () => replaced = await FinishAsync(row, success, CancellationToken.None), ct))
        {
            log.LogError("Could not record the outcome of {Receiver}/{Integration} for {Group}; it will be sent again",
                row.Receiver, row.Integration, row.GroupKey);
        }
        return replaced;
    }

    private sealed record Prepared(ResolvedNotifier Target, NotificationRequest Request, OutboxSnapshot Snapshot);

    /// <summary>The integration, and the message rendered from the row's snapshot; null when the integration is gone.</summary>
    private async Task<Prepared?> PrepareAsync(OutboxClaim row, CancellationToken ct)
    {
        var snapshot = OutboxSnapshot.FromJson(row.Payload);
        var target = notifiers.Find(row.Receiver, row.Integration, await ExtrasAsync(row.GroupKey, snapshot, ct));
        if (target is null)
        {
            return null;
        }
        var data = snapshot.ToData(options.EffectiveExternalUrl());
        var request = new NotificationRequest(row.Receiver, row.GroupKey, target.Render(data), snapshot.Alerts.Count)
        {
            Data = data,
            Links = await links.ForGroupAsync(row.GroupKey, Labels.LabelSet.From(snapshot.GroupLabels), options.EffectiveExternalUrl(), ct),
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

    /// <summary>
    /// First try at once, then about 0.5 s × 1.5ⁿ with jitter, capped at 60 s, or the receiver's Retry-After,
    /// while the flush's deadline has not passed. The deadline stops retries, never an attempt under way:
    /// cutting off a request the receiver may already have acted on would only cause a duplicate.
    /// </summary>
    private static ResiliencePipeline<SendResult> Retry(TimeProvider time, DateTimeOffset deadline) =>
        new ResiliencePipelineBuilder<SendResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<SendResult>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Outcome == SendOutcome.Retryable && time.GetUtcNow() < deadline),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff(args.AttemptNumber, args.Outcome.Result?.RetryAfter)),
            })
            .Build();

    internal static TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after && after > TimeSpan.Zero)
        {
            return after < TimeSpan.FromMinutes(5) ? after : TimeSpan.FromMinutes(5);
        }
        var seconds = Math.Min(60, 0.5 * Math.Pow(1.5, attempt));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    /// <summary>Grafana's links for the alerts, and the group's acknowledgement and silences, for the message.</summary>
    private async Task<MessageExtras> ExtrasAsync(string groupKey, OutboxSnapshot snapshot, CancellationToken ct)
    {
        var grafana = new Dictionary<string, Templating.GrafanaLinks>(StringComparer.Ordinal);
        var fingerprints = snapshot.Alerts.Select(a => unchecked((long)Labels.LabelSet.From(a.Labels).Fingerprint)).ToArray();
        await using (var cmd = db.CreateCommand("SELECT fingerprint, extra FROM alerts WHERE fingerprint = ANY($1) AND extra IS NOT NULL"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = fingerprints, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (Templating.GrafanaLinks.FromExtra(reader.GetString(1)) is { } links)
                {
                    grafana[Labels.Fingerprint.Format(unchecked((ulong)reader.GetInt64(0)))] = links;
                }
            }
        }
        (string, DateTimeOffset)? acknowledged = null;
        await using (var cmd = db.CreateCommand("SELECT acknowledged_by, acknowledged_at FROM aggregation_groups WHERE group_key = $1 AND acknowledged_at IS NOT NULL"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = groupKey });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                acknowledged = (reader.IsDBNull(0) ? "someone" : reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
            }
        }
        var now = time.GetUtcNow();
        var alerts = snapshot.ToAlerts();
        var groupLabels = Labels.LabelSet.From(snapshot.GroupLabels);
        var silenced = (await silences.ActiveOrPendingAsync(now, ct))
            .Where(s => s.State(now) == Silences.SilenceState.Active && (s.Matchers.Matches(groupLabels) || alerts.Any(a => s.Matchers.Matches(a.Labels))))
            .Select(s => (s.CreatedBy, s.EndsAt, s.Comment))
            .ToList();
        return new MessageExtras(grafana, acknowledged, silenced);
    }

    private async Task<OutboxClaim?> ClaimAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE outbox SET lease_owner = $2, lease_until = $4, attempts = attempts + 1
            WHERE id = $1 AND (lease_owner IS NULL OR lease_until < $3)
            RETURNING id, group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, deadline, attempts
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (now + Lease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new OutboxClaim(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetFieldValue<long[]>(5), reader.GetFieldValue<long[]>(6), reader.GetString(7), reader.GetInt32(8),
            reader.GetFieldValue<DateTimeOffset>(9), reader.GetInt32(10));
    }

    private async Task ReleaseAsync(long id, CancellationToken ct)
    {
        try
        {
            await ReleaseOrThrowAsync(id, ct);
        }
        catch (Exception e) when (StoreFailure(e))
        {
            // The lease runs out by itself.
        }
    }

    private async Task ReleaseOrThrowAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE outbox SET lease_owner = NULL, lease_until = $2 WHERE id = $1 AND lease_owner = $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task RecordAttemptAsync(OutboxClaim row, SendResult result, OutboxSnapshot snapshot, CancellationToken ct)
    {
        try
        {
            await using var cmd = db.CreateCommand("""
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

    private sealed record OutboxClaim(long Id, string GroupKey, string Receiver, string Integration, string Payload,
        long[] Firing, long[] Resolved, string Reason, int Version, DateTimeOffset Deadline, int Attempts);
}
