using Alerting.Core.Alerts;
using Alerting.Core.Configuration;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Core.Notifications.Pipeline;
using Alerting.Core.Routing;
using Alerting.Core.TimeIntervals;
using Alerting.Grouping;

namespace Alerting.Escalation;

/// <summary>The decision on one claimed step, without a database: the cases the timeline does not reach.</summary>
public sealed class StepDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 3, 0, 0, TimeSpan.Zero);

    private sealed record Hook(bool Resolved) : IntegrationConfig
    {
        public override string Kind => "webhook";

        public override bool SendResolved { get; init; } = Resolved;
    }

    private static readonly Route Route = Route.Build(new RouteConfig { Receiver = "chat", GroupInterval = TimeSpan.FromMinutes(1) });

    private static readonly Alert Firing = new(LabelSet.From(("alertname", "Esc")), LabelSet.Empty, Now.AddHours(-1), Now.AddHours(1), "", Now, false);

    private static EscalationStepRow Step(string state) => new(1, Route.Id(), "{}:{alertname=\"Esc\"}", 0, "phone", state, Now.AddMinutes(-10));

    private static ReceiverConfig Phone(bool sendResolved = true) => new() { Name = "phone", Integrations = [new Hook(sendResolved)] };

    private static FlushPipeline Pipeline() => new(new Inhibitor([], [], Now), [], new Dictionary<string, TimeIntervalConfig>());

    private static EscalatedGroup Group(Alert alert, (string, DateTimeOffset)? ack = null, NotificationLogEntry? told = null) =>
        new(LabelSet.From(("alertname", "Esc")), ack, [alert],
            told is null ? [] : new Dictionary<string, NotificationLogEntry> { ["webhook[0]"] = told });

    [Fact]
    public void A_pending_step_of_an_acknowledged_group_stops_without_a_send()
    {
        var d = StepDecision.Decide(Step(EscalationRows.Pending), Route, Phone(), Group(Firing, ("alice", Now)), Pipeline(), Now);
        Assert.Equal(("acknowledged", "alice"), (d.StopReason, d.StoppedBy));
        Assert.Empty(d.Sends);
    }

    [Fact]
    public void A_pending_step_sends_the_firing_group_and_checks_again_after_group_interval()
    {
        var d = StepDecision.Decide(Step(EscalationRows.Pending), Route, Phone(), Group(Firing), Pipeline(), Now);
        Assert.Null(d.StopReason);
        Assert.Equal((EscalationRows.Sent, Now.AddMinutes(1)), (d.State, d.Due));
        Assert.Equal("webhook[0]", Assert.Single(d.Sends).Integration);
    }

    [Fact]
    public void A_sent_step_of_an_acknowledged_group_tells_its_receiver_once_and_stops()
    {
        var told = new NotificationLogEntry(new HashSet<ulong> { Firing.Fingerprint }, new HashSet<ulong>(), Now.AddMinutes(-5));
        var d = StepDecision.Decide(Step(EscalationRows.Sent), Route, Phone(), Group(Firing, ("bob", Now), told), Pipeline(), Now);
        Assert.Equal("acknowledged", d.StopReason);
        Assert.Equal("acknowledged", Assert.Single(d.Sends).Reason);
    }

    [Fact]
    public void A_sent_step_of_a_resolved_group_without_send_resolved_stops_silently()
    {
        var resolved = Firing with { EndsAt = Now.AddMinutes(-1) };
        var told = new NotificationLogEntry(new HashSet<ulong> { Firing.Fingerprint }, new HashSet<ulong>(), Now.AddMinutes(-5));
        var quiet = StepDecision.Decide(Step(EscalationRows.Sent), Route, Phone(sendResolved: false), Group(resolved, told: told), Pipeline(), Now);
        Assert.Equal("resolved", quiet.StopReason);
        Assert.Empty(quiet.Sends);

        var told2 = StepDecision.Decide(Step(EscalationRows.Sent), Route, Phone(), Group(resolved, told: told), Pipeline(), Now);
        Assert.Equal("resolved", told2.StopReason);
        Assert.Empty(Assert.Single(told2.Sends).Firing);
    }
}
