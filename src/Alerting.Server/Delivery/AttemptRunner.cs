using Alerting.Channels;
using Alerting.Channels.Http;
using Alerting.Metrics;
using System.Diagnostics;
using Alerting.Outbox;
using Alerting.Telemetry;

namespace Alerting.Delivery;

/// <summary>
/// One attempt, and what follows from it: success or failure recorded, or the retry deferred. Waiting here for a
/// retry would hold one of the bus's consumer slots, and enough rows for a dead receiver would then hold them all.
/// The attempt itself is not cut off by shutdown: cutting off a request the receiver may already have acted on would
/// only cause a duplicate.
/// </summary>
internal sealed class AttemptRunner(
    DestinationPipelines pipelines,
    AttemptLog attemptLog,
    Redelivery redelivery,
    OutcomeWriter outcomes,
    StoreRetry retry,
    AlertingMetrics metrics,
    TimeProvider time,
    ILogger<AttemptRunner> log)
{
    /// <summary>The send is on its way to its destination: it no longer waits there as a deferred retry.</summary>
    public void Sending(PendingSend send) => redelivery.Sending(send.Prepared.Target.Destination, send.Row.Id);

    /// <summary>Publishes a row to the bus again: a newer snapshot is left to send.</summary>
    public Task<bool> PublishAsync(long id, CancellationToken ct) => redelivery.PublishAsync(id, ct);

    /// <summary>Returns true when a newer snapshot is left to send.</summary>
    public async Task<bool> AttemptAsync(PendingSend send, CancellationToken ct)
    {
        var (row, (target, request, snapshot)) = send;
        var integration = target.Notifier.Integration;
        if (row.Attempts == 1)
        {
            // A new notification (a flush that replaces the snapshot starts the count again), not a retry.
            metrics.Notifications.WithLabels(integration).Inc();
        }

        var started = time.GetTimestamp();
        // In the trace of the flush that wrote the row (stored with it), wherever and whenever it is sent.
        using var span = AlertingActivities.StartFrom("notify", row.TraceParent, ActivityKind.Client);
        span?.SetTag(AlertingActivities.GroupKey, row.GroupKey);
        span?.SetTag(AlertingActivities.Receiver, row.Receiver);
        span?.SetTag(AlertingActivities.Integration, row.Integration);
        span?.SetTag(AlertingActivities.Attempt, row.Attempts);
        span?.SetTag(AlertingActivities.OutboxId, row.Id);
        var result = await pipelines.SendAsync(target.Notifier, target.Destination, request, CancellationToken.None);
        if (result.Error is { } error && target.Config is { } config)
        {
            // A receiver that echoes the request (a token, a basic-auth header) must not put it in history or the log.
            result = result with { Error = ReceiverSecrets.Scrub(error, config, target.SecretFields) };
        }
        span?.SetTag(AlertingActivities.Outcome, result.Outcome switch
        {
            SendOutcome.Success => "success",
            SendOutcome.Retryable => "retryable",
            _ => "permanent",
        });
        if (result.Outcome != SendOutcome.Success)
        {
            span?.SetStatus(ActivityStatusCode.Error, result.Error);
        }
        var attempt = AttemptRecord.Of(result, snapshot, time.GetUtcNow());
        metrics.NotificationRequests.WithLabels(integration).Inc();
        if (result.Outcome != SendOutcome.Success)
        {
            metrics.NotificationRequestsFailed.WithLabels(integration).Inc();
        }

        if (result.Outcome == SendOutcome.Retryable && time.GetUtcNow() < row.Deadline)
        {
            // Until the flush's deadline.
            await attemptLog.RecordAsync(row, attempt, CancellationToken.None);
            await redelivery.DeferAsync(row.Id, target.Destination, Redelivery.Backoff(row.Attempts - 1, result.RetryAfter), ct);
            return false;
        }

        var success = result.Outcome == SendOutcome.Success;
        if (success)
        {
            metrics.NotificationLatency.WithLabels(integration).Observe(time.GetElapsedTime(started).TotalSeconds);
            redelivery.Answered(target.Destination);
        }
        else
        {
            var reason = result.Outcome == SendOutcome.Permanent ? "clientError" : "serverError";
            metrics.NotificationsFailed.WithLabels(integration, reason).Inc();
            log.LogWarning("Notify {Receiver}/{Integration} for {Group} failed after {Attempts} attempts: {Error}",
                row.Receiver, row.Integration, row.GroupKey, row.Attempts, result.Error);
        }
        // The receiver has it: losing the database now must not make us send it again, so keep trying to record
        // that. Giving up (or a crash meanwhile) is the documented window of at-least-once delivery. The attempt is
        // recorded with the outcome, in the same write.
        var replaced = false;
        if (!await retry.RunAsync(row.Id, async () => replaced = await outcomes.FinishAsync(new FinishedSend(row, success, attempt)), ct))
        {
            log.LogError("Could not record the outcome of {Receiver}/{Integration} for {Group}; it will be sent again",
                row.Receiver, row.Integration, row.GroupKey);
        }
        return replaced;
    }

    /// <summary>A row whose integration is gone from the configuration: it goes, unsent. True when a newer snapshot is left.</summary>
    public async Task<bool> DropAsync(OutboxEntry row, CancellationToken ct)
    {
        log.LogWarning("Dropping notification for {Receiver}/{Integration}: no such integration in the running configuration", row.Receiver, row.Integration);
        var replaced = false;
        await retry.RunAsync(row.Id, async () => replaced = await outcomes.FinishAsync(new FinishedSend(row, Success: false, Attempt: null)), ct);
        return replaced;
    }
}
