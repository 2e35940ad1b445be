using Alerting.Configuration;
using Alerting.Core.Alerts;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Core.Notifications.Pipeline;
using Alerting.Core.Silences;
using Alerting.Grouping;
using Alerting.Outbox;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Escalation;

/// <summary>
/// Claims due escalation steps and decides each (<see cref="StepDecision"/>): its sends go into the outbox in the same
/// transaction that moves the step on, guarded by the step's lease, so a step is sent once even with several instances
/// or a crash between claim and commit; delivery then takes them from the outbox like any other send.
/// </summary>
internal sealed class EscalationSteps(NpgsqlDataSource db, ConfigHolder config, SilenceStore silences, OutboxPublisher publisher,
    InstanceInfo instance, TimeProvider time, ILogger<EscalationSteps> log)
{
    private string Owner => instance.Name + "/escalation";

    /// <summary>One pass: stops the pending steps of resolved groups, then claims and decides due steps. Returns how many were claimed.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using (var sweep = EscalationRows.StopResolvedPending(db, now))
        {
            await sweep.ExecuteNonQueryAsync(ct);
        }
        await using var claim = EscalationRows.ClaimDue(db, Owner, now);
        var steps = await EscalationRows.ReadClaimAsync(claim, ct);
        if (steps.Count == 0)
        {
            return 0;
        }
        var runtime = config.Current;
        var active = (await silences.ActiveOrPendingAsync(now, ct)).Where(s => s.State(now) == SilenceState.Active).ToList();
        var pipeline = new FlushPipeline(await InhibitorAsync(runtime, now, ct), active,
            runtime.Config.TimeIntervals.ToDictionary(t => t.Name, StringComparer.Ordinal));
        var routes = runtime.Route.Walk().ToDictionary(r => r.Id(), StringComparer.Ordinal);
        foreach (var step in steps)
        {
            StepDecision decision;
            if (!routes.TryGetValue(step.RouteId, out var route))
            {
                decision = StepDecision.Stop("route removed");
            }
            else if (runtime.Config.FindReceiver(step.Receiver) is not { } receiver)
            {
                decision = StepDecision.Stop("receiver removed");
            }
            else
            {
                var group = await EscalatedGroup.ReadAsync(db, step, now, ct);
                decision = StepDecision.Decide(step, route, receiver, group, pipeline, now);
                await CommitAsync(step, decision, group.Labels ?? GroupLabels(route, group.Alerts), route.GroupInterval, now, ct);
                continue;
            }
            await CommitAsync(step, decision, LabelSet.Empty, TimeSpan.Zero, now, ct);
        }
        return steps.Count;
    }

    /// <summary>The step moves on (or stops) and its sends enter the outbox in one transaction, only while its claim holds.</summary>
    private async Task CommitAsync(EscalationStepRow step, StepDecision decision, LabelSet groupLabels, TimeSpan groupInterval, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var move = decision.StopReason is { } reason
            ? EscalationRows.Stop(step.Id, Owner, reason, decision.StoppedBy, now)
            : EscalationRows.Advance(step.Id, Owner, decision.State, decision.Due, now))
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

    /// <summary>The firing alerts that could inhibit: all of them when some inhibit rule exists (escalation steps are few).</summary>
    private async Task<Inhibitor> InhibitorAsync(RuntimeConfig runtime, DateTimeOffset now, CancellationToken ct)
    {
        if (runtime.InhibitRules.Count == 0)
        {
            return new Inhibitor([], [], now);
        }
        var firing = new List<Alert>();
        await using var cmd = db.CreateCommand("SELECT labels, ends_at FROM alerts WHERE ends_at > $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            firing.Add(new Alert(LabelJson.Read(reader.GetString(0)), LabelSet.Empty, now, reader.GetFieldValue<DateTimeOffset>(1), "", now, false));
        }
        return new Inhibitor(runtime.InhibitRules, firing, now);
    }
}
