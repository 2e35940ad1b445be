using Alerting.Alerts;
using Alerting.Configuration;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications.Pipeline;
using Alerting.Core.Silences;
using Alerting.Grouping;
using Alerting.Outbox;
using Alerting.Persistence;
using Npgsql;

namespace Alerting.Escalation;

/// <summary>
/// Claims due escalation steps and decides each (<see cref="StepDecision"/>): its sends go into the outbox in the same
/// transaction that moves the step on, guarded by the step's lease, so a step is sent once even with several instances
/// or a crash between claim and commit; delivery then takes them from the outbox like any other send.
/// </summary>
internal sealed class EscalationSteps(NpgsqlDataSource db, ConfigHolder config, SilenceStore silences, OutboxPublisher publisher,
    InstanceInfo instance, TimeProvider time, ILogger<EscalationSteps> log)
{
    private long _passes;

    /// <summary>One pass: stops the pending steps of resolved groups, then claims and decides due steps. Returns how many were claimed.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Each pass claims under its own name: a pass whose lease ran out (a slow pass, or a clock moved past it) and
        // another pass of this instance that took the step over must not both commit.
        var owner = $"{instance.Name}/escalation/{Interlocked.Increment(ref _passes)}";
        await using (var sweep = EscalationRows.StopResolvedPending(db, now))
        {
            await sweep.ExecuteNonQueryAsync(ct);
        }
        await using var claim = EscalationRows.ClaimDue(db, owner, now);
        var steps = await EscalationRows.ReadClaimAsync(claim, ct);
        if (steps.Count == 0)
        {
            return 0;
        }
        var runtime = config.Current;
        var routes = runtime.Route.Walk().ToDictionary(r => r.Id(), StringComparer.Ordinal);
        // A step whose route or receiver is gone stops; the others are decided on their groups, read first so the
        // inhibiting alerts are read once for all of them.
        var decided = new List<(EscalationStepRow Step, Core.Routing.Route? Route, Core.Configuration.ReceiverConfig? Receiver, EscalatedGroup? Group)>();
        foreach (var step in steps)
        {
            var route = routes.GetValueOrDefault(step.RouteId);
            var receiver = route is null ? null : runtime.Config.FindReceiver(step.Receiver);
            decided.Add((step, route, receiver, receiver is null ? null : await EscalatedGroup.ReadAsync(db, step, now, ct)));
        }
        var active = (await silences.ActiveOrPendingAsync(now, ct)).Where(s => s.State(now) == SilenceState.Active).ToList();
        var targets = decided.Where(d => d.Group is not null).SelectMany(d => d.Group!.Alerts).Select(a => a.Labels);
        var pipeline = new FlushPipeline(await InhibitionSources.ReadAsync(db, runtime.InhibitRules, targets, now, ct), active,
            runtime.Config.TimeIntervals.ToDictionary(t => t.Name, StringComparer.Ordinal));
        foreach (var (step, route, receiver, group) in decided)
        {
            if (route is null || receiver is null || group is null)
            {
                await CommitAsync(owner, step, StepDecision.Stop(route is null ? "route removed" : "receiver removed"), LabelSet.Empty, TimeSpan.Zero, now, ct);
                continue;
            }
            var decision = StepDecision.Decide(step, route, receiver, group, pipeline, now);
            await CommitAsync(owner, step, decision, group.Labels ?? GroupLabels(route, group.Alerts), route.GroupInterval, now, ct);
        }
        return steps.Count;
    }

    /// <summary>The step moves on (or stops) and its sends enter the outbox in one transaction, only while its claim holds.</summary>
    private async Task CommitAsync(string owner, EscalationStepRow step, StepDecision decision, LabelSet groupLabels, TimeSpan groupInterval, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var move = decision.StopReason is { } reason
            ? EscalationRows.Stop(step.Id, owner, reason, decision.StoppedBy, now)
            : EscalationRows.Advance(step.Id, owner, decision.State, decision.Due, now))
        {
            move.Connection = conn;
            move.Transaction = tx;
            if (await move.ExecuteNonQueryAsync(ct) == 0)
            {
                // The lease ran out and someone else took the step, or an acknowledgement stopped it: theirs is the decision.
                await tx.RollbackAsync(ct);
                log.LogInformation("Escalation step {Step} of {Group} was no longer ours to decide", step.Step, step.GroupKey);
                return;
            }
        }
        List<PublishRow> publish = [];
        if (decision.Sends.Count > 0)
        {
            var sends = decision.Sends
                .Select(s => new OutboxSend(step.GroupKey, step.Receiver, s, OutboxSnapshot.Create(step.Receiver, step.GroupKey, groupLabels, s.Alerts, now), now + groupInterval))
                .ToList();
            await using var batch = new NpgsqlBatch(conn, tx) { BatchCommands = { OutboxStore.Insert(sends, now, now + OutboxPublisher.PublishGrace, null) } };
            await using var reader = await batch.ExecuteReaderAsync(ct);
            (publish, _) = await OutboxStore.ReadInserted(reader, ct);
        }
        await tx.CommitAsync(ct);
        await publisher.PublishAllAsync(publish, ct);
    }

    /// <summary>A group that is gone has its labels back from its alerts, as the route groups them.</summary>
    private static LabelSet GroupLabels(Core.Routing.Route route, List<Alert> alerts) =>
        alerts.Count == 0 ? LabelSet.Empty : route.GroupLabels(alerts[0].Labels);
}
