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
    Persistence.RelaxedDb relaxed,
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
    /// How long a claimed row stays ours without renewal (renewed before every attempt, so it outlives the
    /// longest attempt, email's 30 s); a crashed sender's rows come back after this.
    /// </summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(45);

    public async Task DeliverAsync(long id, CancellationToken ct)
    {
        // The silences are read meanwhile on another connection: each round trip is on the notification's path.
        var silencesTask = silences.ActiveOrPendingAsync(time.GetUtcNow(), ct);
        var (row, grafana, acknowledged) = await ClaimAsync(id, ct);
        if (row is null)
        {
            await silencesTask;
            return; // delivered already, or another instance holds it
        }
        var snapshot = OutboxSnapshot.FromJson(row.Payload);
        var actionLinks = await links.ForGroupAsync(row.GroupKey, Labels.LabelSet.From(snapshot.GroupLabels), options.EffectiveExternalUrl(), ct);
        var extras = Extras(snapshot, grafana, acknowledged, await silencesTask);
        var target = notifiers.Find(row.Receiver, row.Integration, extras);
        if (target is null)
        {
            log.LogWarning("Dropping notification for {Receiver}/{Integration}: no such integration in the running configuration", row.Receiver, row.Integration);
            await FinishAsync(row, success: false, ct);
            return;
        }

        var data = snapshot.ToData(options.EffectiveExternalUrl());
        var request = new NotificationRequest(row.Receiver, row.GroupKey, target.Render(data), snapshot.Alerts.Count)
        {
            Data = data,
            Links = actionLinks,
        };
        var integration = target.Notifier.Integration;
        metrics.Notifications.WithLabels(integration).Inc();
        var started = time.GetTimestamp();

        SendResult? last = null;
        var firstAttempt = true;
        try
        {
            var destination = target.Destination;
            last = await Retry(time, row.Deadline).ExecuteAsync(async _ =>
            {
                // The lease must outlive the attempt: renew it before each retry (the claim has just set it for the first).
                if (!firstAttempt)
                {
                    await RenewLeaseAsync(row.Id, CancellationToken.None);
                }
                firstAttempt = false;
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
        await FinishAsync(row, success, CancellationToken.None);
    }

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

    /// <summary>The silences that cover the group or one of its alerts, for the message.</summary>
    private MessageExtras Extras(OutboxSnapshot snapshot, Dictionary<string, Templating.GrafanaLinks> grafana,
        (string, DateTimeOffset)? acknowledged, List<Silences.Silence> active)
    {
        var now = time.GetUtcNow();
        var alerts = snapshot.ToAlerts();
        var groupLabels = Labels.LabelSet.From(snapshot.GroupLabels);
        var silenced = active
            .Where(s => s.State(now) == Silences.SilenceState.Active && (s.Matchers.Matches(groupLabels) || alerts.Any(a => s.Matchers.Matches(a.Labels))))
            .Select(s => (s.CreatedBy, s.EndsAt, s.Comment))
            .ToList();
        return new MessageExtras(grafana, acknowledged, silenced);
    }

    /// <summary>
    /// Takes the row with a lease and, in the same round trip, reads Grafana's links for its alerts and the group's
    /// acknowledgement. The alerts are found from the row's firing and resolved sets, which hold every alert in the
    /// message (and, with send_resolved off, resolved ones it leaves out: harmless extra lookups).
    /// </summary>
    private async Task<(OutboxClaim? Row, Dictionary<string, Templating.GrafanaLinks> Grafana, (string, DateTimeOffset)? Acknowledged)> ClaimAsync(
        long id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await relaxed.Source.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn);
        var claim = new NpgsqlBatchCommand("""
            UPDATE outbox SET lease_owner = $2, lease_until = $4, attempts = attempts + 1
            WHERE id = $1 AND (lease_owner IS NULL OR lease_until < $3)
            RETURNING id, group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, deadline, attempts
            """);
        claim.Parameters.Add(new NpgsqlParameter { Value = id });
        claim.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        claim.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = (now + Lease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var extras = new NpgsqlBatchCommand("""
            SELECT a.fingerprint, a.extra, NULL, NULL FROM alerts a
            WHERE a.extra IS NOT NULL AND a.fingerprint IN (SELECT unnest(firing_alerts || resolved_alerts) FROM outbox WHERE id = $1)
            UNION ALL
            SELECT NULL, NULL, coalesce(g.acknowledged_by, 'someone'), g.acknowledged_at
            FROM aggregation_groups g JOIN outbox o ON o.group_key = g.group_key
            WHERE o.id = $1 AND g.acknowledged_at IS NOT NULL
            """);
        extras.Parameters.Add(new NpgsqlParameter { Value = id });
        batch.BatchCommands.Add(claim);
        batch.BatchCommands.Add(extras);

        OutboxClaim? row = null;
        var grafana = new Dictionary<string, Templating.GrafanaLinks>(StringComparer.Ordinal);
        (string, DateTimeOffset)? acknowledged = null;
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct))
        {
            row = new OutboxClaim(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<long[]>(5), reader.GetFieldValue<long[]>(6), reader.GetString(7), reader.GetInt32(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetInt32(10));
        }
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(3))
            {
                acknowledged = (reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
            }
            else if (Templating.GrafanaLinks.FromExtra(reader.GetString(1)) is { } links)
            {
                grafana[Labels.Fingerprint.Format(unchecked((ulong)reader.GetInt64(0)))] = links;
            }
        }
        return (row, grafana, acknowledged);
    }

    private async Task RenewLeaseAsync(long id, CancellationToken ct)
    {
        await using var cmd = relaxed.Source.CreateCommand("UPDATE outbox SET lease_until = $2 WHERE id = $1 AND lease_owner = $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (time.GetUtcNow() + Lease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task ReleaseAsync(long id, CancellationToken ct)
    {
        try
        {
            await using var cmd = relaxed.Source.CreateCommand("UPDATE outbox SET lease_owner = NULL, lease_until = $2 WHERE id = $1 AND lease_owner = $3");
            cmd.Parameters.Add(new NpgsqlParameter { Value = id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The lease runs out by itself.
        }
    }

    private async Task RecordAttemptAsync(OutboxClaim row, SendResult result, OutboxSnapshot snapshot, CancellationToken ct)
    {
        try
        {
            await using var cmd = relaxed.Source.CreateCommand("""
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
    /// Either way the row goes, unless a later flush replaced its snapshot meanwhile: then it is sent next.
    /// One batch, one round trip, in the implicit transaction PostgreSQL gives a batch: all of it or none.
    /// </summary>
    private async Task FinishAsync(OutboxClaim row, bool success, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn);
        if (success)
        {
            var log = new NpgsqlBatchCommand("""
                INSERT INTO notification_log (group_key, receiver, integration, firing_alerts, resolved_alerts, sent_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (group_key, receiver, integration) DO UPDATE SET
                    firing_alerts = EXCLUDED.firing_alerts, resolved_alerts = EXCLUDED.resolved_alerts, sent_at = EXCLUDED.sent_at
                """);
            log.Parameters.Add(new NpgsqlParameter { Value = row.GroupKey });
            log.Parameters.Add(new NpgsqlParameter { Value = row.Receiver });
            log.Parameters.Add(new NpgsqlParameter { Value = row.Integration });
            log.Parameters.Add(new NpgsqlParameter { Value = row.Firing, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            log.Parameters.Add(new NpgsqlParameter { Value = row.Resolved, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            log.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            var notified = new NpgsqlBatchCommand("""
                WITH changed AS (
                    -- Told as firing, even if it resolved while the message was on its way: the resolution follows.
                    UPDATE alerts SET state = 'firing', state_changed_at = $2
                    WHERE fingerprint = ANY($1) AND state = 'pending'
                    RETURNING fingerprint)
                INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
                SELECT fingerprint, $2, 'firing', $3, $4 FROM changed
                """);
            notified.Parameters.Add(new NpgsqlParameter { Value = row.Firing, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            notified.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            notified.Parameters.Add(new NpgsqlParameter { Value = row.GroupKey });
            notified.Parameters.Add(new NpgsqlParameter { Value = $"notified {row.Receiver}/{row.Integration}" });
            batch.BatchCommands.Add(log);
            batch.BatchCommands.Add(notified);
        }
        // The row goes if its version is the one sent; a replaced snapshot is handed back to be sent next.
        var done = new NpgsqlBatchCommand("""
            WITH gone AS (DELETE FROM outbox WHERE id = $1 AND version = $2 RETURNING id)
            UPDATE outbox SET lease_owner = NULL, lease_until = $3
            WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM gone)
            RETURNING id
            """);
        done.Parameters.Add(new NpgsqlParameter { Value = row.Id });
        done.Parameters.Add(new NpgsqlParameter { Value = row.Version });
        done.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(done);
        var replaced = false;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    replaced = true; // only the last statement returns rows
                }
            }
            while (await reader.NextResultAsync(ct));
        }
        if (replaced)
        {
            await publisher.PublishAsync(row.Id, ct);
        }
    }

    private sealed record OutboxClaim(long Id, string GroupKey, string Receiver, string Integration, string Payload,
        long[] Firing, long[] Resolved, string Reason, int Version, DateTimeOffset Deadline, int Attempts);
}
