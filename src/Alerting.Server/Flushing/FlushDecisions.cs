using Alerting.Alerts;
using Alerting.Channels;
using Alerting.Configuration;
using Alerting.Core.Alerts;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Core.Notifications.Pipeline;
using Alerting.Core.Routing;
using Alerting.Core.Silences;
using Alerting.Grouping;
using Alerting.Outbox;
using Alerting.Persistence;
using Alerting.Telemetry;
using Npgsql;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Flushing;

/// <summary>
/// Decides the flushes of claimed groups: each runs the pipeline (inhibit → time intervals → silence → dedup) and
/// what it decides goes into one <see cref="FlushWrites"/>: sends, log entries, states, schedules.
/// </summary>
internal sealed class FlushDecisions(NpgsqlDataSource db, ConfigHolder config, ScheduleClock schedule, TimeProvider time, GroupTraces traces)
{
    /// <summary>Decides, reading first the alerts that could inhibit a member (<see cref="InhibitionSources"/>).</summary>
    public async Task<FlushWrites> DecideAsync(Claim claim, List<Silence> silences, CancellationToken ct)
    {
        var runtime = config.Current;
        var now = time.GetUtcNow();
        return Decide(runtime, claim, await InhibitionSources.ReadAsync(db, runtime.InhibitRules, Targets(claim), now, ct), silences, now, schedule.Now, traces);
    }

    /// <summary>
    /// Decides a claim the ingestion writer made, for it to commit in its own transaction: a group made due at once
    /// (group_wait 0) is then decided and recorded in the commit that stores its alert. Null when an inhibit rule's
    /// sources must be read first: the claim then goes to a dispatcher pass.
    /// </summary>
    public FlushWrites? DecideInline(Claim claim, List<Silence> silences)
    {
        var runtime = config.Current;
        var now = time.GetUtcNow();
        return InhibitionSources.Needed(runtime.InhibitRules, Targets(claim))
            ? null
            : Decide(runtime, claim, new Inhibitor([], [], now), silences, now, schedule.Now, traces);
    }

    private static FlushWrites Decide(RuntimeConfig runtime, Claim claim, Inhibitor inhibitor, List<Silence> silences, DateTimeOffset now,
        DateTimeOffset scheduleNow, GroupTraces traces)
    {
        var routes = runtime.Route.Walk().ToDictionary(r => r.Id(), StringComparer.Ordinal);
        var pipeline = new FlushPipeline(
            inhibitor,
            silences.Where(s => s.State(now) == SilenceState.Active).ToList(),
            runtime.Config.TimeIntervals.ToDictionary(t => t.Name, StringComparer.Ordinal));
        var work = new FlushWrites(now);
        foreach (var group in claim.Groups)
        {
            if (!routes.TryGetValue(group.RouteId, out var route))
            {
                // The route went away in a reload; reconciliation regroups its alerts.
                work.DeleteGroup(group.Id);
                continue;
            }
            var alerts = claim.Members.TryGetValue(group.Id, out var list) ? list : [];
            // The flush decision continues the trace of the request that last filled the group; its outbox rows keep it.
            using var span = AlertingActivities.StartFrom("flush.decide", traces.Take(group.Id));
            span?.SetTag(AlertingActivities.GroupKey, group.Key);
            span?.SetTag(AlertingActivities.Receiver, group.Receiver);
            span?.SetTag(AlertingActivities.Alerts, alerts.Count);
            Flush(runtime, route, group, alerts, claim, pipeline, work, now, scheduleNow);
        }
        return work;
    }

    private static void Flush(RuntimeConfig runtime, Route route, ClaimedGroup group, List<(Alert Alert, string State)> members,
        Claim claim, FlushPipeline pipeline, FlushWrites work, DateTimeOffset now, DateTimeOffset scheduleNow)
    {
        var receiver = runtime.Config.FindReceiver(group.Receiver);
        var integrations = receiver is null ? [] : Integrations.Of(receiver)
            .Select(i => new IntegrationState(i.Name, i.SendResolved, claim.Logs.GetValueOrDefault((group.Key, group.Receiver, i.Name))))
            .ToList();
        var alerts = members.Select(m => m.Alert).ToList();
        var result = pipeline.Run(route, Contents(group, alerts, integrations, claim.JoinedAt, now), integrations, now, group.Acknowledged);

        work.Muted(result.Suppressed.Values.SelectMany(s => s.SilencedBy));

        // Lifecycle: record suppression changes; released alerts go back to what their receiver knows.
        foreach (var (alert, state) in members)
        {
            var fp = alert.Fingerprint;
            if (alert.Resolved(now))
            {
                continue;
            }
            if (result.Suppressed.TryGetValue(fp, out var why))
            {
                if (state != "suppressed")
                {
                    work.SetState(fp, "suppressed", group.Key, why.Describe());
                }
            }
            else if (state == "suppressed")
            {
                var notified = integrations.Any(i => i.LastSent?.FiringAlerts.Contains(fp) == true);
                work.SetState(fp, notified ? "firing" : "pending", group.Key, "no longer suppressed");
            }
        }

        foreach (var send in result.Sends)
        {
            if (send.Alerts.Count == 0)
            {
                // send_resolved off and nothing fires: nothing to send, but the log must learn it (Alertmanager does the same).
                work.LogWithoutSending(group.Key, group.Receiver, send);
                continue;
            }
            var snapshot = OutboxSnapshot.Create(group.Receiver, group.Key, group.Labels, send.Alerts, now);
            work.Send(group.Key, group.Receiver, send, snapshot, deadline: now + route.GroupInterval);
        }

        if (route.Escalation.Count > 0 && !group.Acknowledged && result.Sends.Any(s => s.Firing.Count > 0 && s.Alerts.Count > 0))
        {
            work.StartEscalation(group.Id, route.Escalation);
        }

        // A resolved alert leaves the group once no integration still has its resolution to be told and nothing is in flight.
        var inFlight = result.Sends.Any(s => s.Alerts.Count > 0) || group.HasOutbox;
        if (!inFlight)
        {
            foreach (var alert in alerts.Where(a => a.Resolved(now) && !AwaitsResolution(integrations, a.Fingerprint)))
            {
                work.RemoveMember(group.Id, alert.Fingerprint);
            }
        }
        work.Reschedule(group.Id, scheduleNow + route.GroupInterval, deleteIfEmpty: !inFlight);
    }

    /// <summary>
    /// The alerts the flush is about. Alertmanager deletes a resolved alert from its group right after a flush that
    /// notified it (or had no need to); ours stays one flush longer while its send is in flight, and is left out here:
    /// resolved, awaited by no integration (<see cref="AwaitsResolution"/>), and in the group since before the last send. One that came back
    /// since (a resolved alert posted again) is in, as Alertmanager inserts every posted alert.
    /// </summary>
    private static List<Alert> Contents(ClaimedGroup group, List<Alert> alerts, List<IntegrationState> integrations,
        Dictionary<(AggregationGroupId, ulong), DateTimeOffset> joinedAt, DateTimeOffset now)
    {
        var lastSent = integrations.Select(i => i.LastSent?.Timestamp).Max();
        if (lastSent is not { } sent)
        {
            return alerts;
        }
        return alerts.Where(a => !(a.Resolved(now)
                                   && joinedAt.TryGetValue((group.Id, a.Fingerprint), out var joined) && joined <= sent
                                   && !AwaitsResolution(integrations, a.Fingerprint)))
            .ToList();
    }

    /// <summary>
    /// Whether an integration was told the alert fires and is still to be told it resolved. One with send_resolved
    /// off never is: Alertmanager deletes the alert after the flush all the same, so its siblings do not hear of it again.
    /// </summary>
    private static bool AwaitsResolution(List<IntegrationState> integrations, ulong fingerprint) =>
        integrations.Any(i => i.SendResolved && i.LastSent?.FiringAlerts.Contains(fingerprint) == true);

    /// <summary>The labels of every claimed member: the targets an inhibit rule may mute.</summary>
    private static IEnumerable<LabelSet> Targets(Claim claim) => claim.Members.Values.SelectMany(m => m).Select(m => m.Alert.Labels);
}
