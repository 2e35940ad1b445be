using Alerting.Channels;
using Alerting.Core.Configuration;
using Alerting.Core.Notifications.Pipeline;
using Alerting.Grouping;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Escalation;

/// <summary>
/// What to do with a claimed step: send (possibly nothing) and move it on to <see cref="State"/>, due again at
/// <see cref="Due"/>; or, with a <see cref="StopReason"/>, send and stop it.
/// </summary>
internal sealed record StepDecision(IReadOnlyList<SendDecision> Sends, string State, DateTimeOffset Due, string? StopReason = null, string? StoppedBy = null)
{
    /// <summary>A due step whose group is silenced, inhibited or muted waits, and is looked at again this soon.</summary>
    public static readonly TimeSpan SuppressedRecheck = TimeSpan.FromSeconds(10);

    public static StepDecision Stop(string reason, string? by = null, IReadOnlyList<SendDecision>? sends = null) =>
        new(sends ?? [], EscalationRows.Stopped, default, reason, by);

    /// <summary>
    /// Decides a step. Pending: the group must still fire and be unacknowledged; it is then sent through the route's
    /// pipeline (inhibition, time intervals, silences), and waits while all of it is held back. Sent: the receiver now
    /// follows the group every group_interval like the route's own (news, repeats after repeat_interval, the
    /// resolution), until an acknowledgement (which it is told of) or the resolution stops the chain.
    /// </summary>
    public static StepDecision Decide(EscalationStepRow step, Route route, ReceiverConfig receiver, EscalatedGroup group, FlushPipeline pipeline, DateTimeOffset now)
    {
        var integrations = Integrations.Of(receiver)
            .Select(i => new IntegrationState(i.Name, i.SendResolved, group.Told.GetValueOrDefault(i.Name)))
            .ToList();
        var firing = group.Alerts.Where(a => !a.Resolved(now)).ToList();
        if (step.State == EscalationRows.Pending)
        {
            if (group.Acknowledged is { } ack)
            {
                return Stop("acknowledged", ack.By);
            }
            if (firing.Count == 0)
            {
                return Stop("resolved");
            }
            var sends = Sendable(pipeline.Run(route, group.Alerts, integrations, now)).Where(s => s.Firing.Count > 0).ToList();
            return sends.Count == 0
                ? new StepDecision([], EscalationRows.Pending, now + SuppressedRecheck)
                : new StepDecision(sends, EscalationRows.Sent, now + route.GroupInterval);
        }
        if (group.Acknowledged is { } acknowledged)
        {
            // Whoever the chain reached hears that someone is on it: the firing alerts, with the acknowledgement's note.
            var firingSet = firing.Select(a => a.Fingerprint).ToHashSet();
            var told = firing.Count == 0 ? [] : integrations.Select(i => new SendDecision(i.Name, firing, firingSet, new HashSet<ulong>(), "acknowledged")).ToList();
            return Stop("acknowledged", acknowledged.By, told);
        }
        var result = Sendable(pipeline.Run(route, group.Alerts, integrations, now));
        return firing.Count == 0
            ? Stop("resolved", sends: result)
            : new StepDecision(result, EscalationRows.Sent, now + route.GroupInterval);
    }

    /// <summary>Decisions with something to say: with send_resolved off and nothing firing, there is no message.</summary>
    private static List<SendDecision> Sendable(FlushResult result) => [.. result.Sends.Where(s => s.Alerts.Count > 0)];
}
