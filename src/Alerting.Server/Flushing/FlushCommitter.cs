using Alerting.Configuration;
using Alerting.Core.Silences;
using Alerting.Delivery;
using Alerting.Metrics;
using Alerting.Outbox;
using Alerting.Persistence;

namespace Alerting.Flushing;

/// <summary>Commits what a flush decided, then hands its new outbox rows to delivery: at once here, or through the bus.</summary>
internal sealed class FlushCommitter(RelaxedDb relaxed, GenericPlanDb durable, OutboxPublisher publisher, Deliverer deliverer,
    ServerOptions options, InstanceInfo instance, AlertingMetrics metrics)
{
    /// <summary>
    /// On the in-memory bus every message comes back to this instance: new outbox rows are claimed for it in the
    /// flush's commit and sent at once, which saves the delivery claim's round trip and the bus hop. That commit is
    /// then durable, as the claim's was: nothing is sent on a decision a PostgreSQL crash could undo. On RabbitMQ (null
    /// here) the bus spreads the sends over the instances.
    /// </summary>
    public string? HandOffTo => options.RabbitMqUrl is null ? instance.Name : null;

    /// <summary>Commits a dispatcher pass's decisions in one round trip, then completes them.</summary>
    public async Task CommitAsync(FlushWrites work, List<Silence> silences, int groups, CancellationToken ct)
    {
        var handOffTo = HandOffTo;
        var commit = await work.CommitAsync(handOffTo is not null && work.HasSends ? durable.Source : relaxed.GenericPlans, handOffTo, silences, ct);
        await CompleteAsync(commit, groups, ct);
    }

    /// <summary>After a flush's commit: its claimed rows go to delivery, the rest to the bus.</summary>
    public async Task CompleteAsync(FlushCommit commit, int groups, CancellationToken ct)
    {
        foreach (var row in commit.HandOffs)
        {
            deliverer.HandOff(row);
        }
        await publisher.PublishAllAsync(commit.Publish, ct);
        metrics.DispatcherFlushes.Inc(groups);
    }
}
