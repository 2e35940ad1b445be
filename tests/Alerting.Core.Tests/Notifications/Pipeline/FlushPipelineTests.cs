using Alerting.Core.Alerts;
using Alerting.Core.Configuration;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Core.Routing;
using Alerting.Core.Silences;

namespace Alerting.Core.Notifications.Pipeline;

/// <summary>The flush pipeline with a fixed clock: each stage decides what Alertmanager's would.</summary>
public sealed class FlushPipelineTests
{
    // A Wednesday, 10:00 UTC.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static readonly AlertingConfig Config = ConfigLoader.Load("""
        route:
          receiver: r
          repeat_interval: 1h
          routes:
            - receiver: r
              matchers: [team="office"]
              active_time_intervals: [office-hours]
            - receiver: r
              matchers: [team="quiet"]
              mute_time_intervals: [office-hours]
        receivers:
          - name: r
        time_intervals:
          - name: office-hours
            time_intervals:
              - weekdays: ['monday:friday']
                times: [{start_time: '09:00', end_time: '17:00'}]
        """, "t.yml", channels: []);

    private static readonly Route Root = Route.Build(Config.RootRoute);

    private static Alert Firing(params (string, string)[] labels) =>
        new(LabelSet.From(labels), LabelSet.Empty, Now.AddMinutes(-5), Now.AddMinutes(5), "", Now, false);

    private static Alert Resolved(params (string, string)[] labels) =>
        Firing(labels) with { EndsAt = Now.AddMinutes(-1) };

    private static FlushPipeline Pipeline(IReadOnlyList<InhibitRule>? rules = null, IEnumerable<Alert>? all = null, IReadOnlyList<Silence>? silences = null) =>
        new(new Inhibitor(rules ?? [], all ?? [], Now), silences ?? [], Config.TimeIntervals.ToDictionary(t => t.Name));

    private static IntegrationState Hook(NotificationLogEntry? last = null, bool sendResolved = true) => new("webhook[0]", sendResolved, last);

    private static HashSet<ulong> Set(params Alert[] alerts) => [.. alerts.Select(a => a.Fingerprint)];

    [Fact]
    public void First_flush_with_firing_alerts_sends()
    {
        var a = Firing(("alertname", "A"));
        var result = Pipeline().Run(Root, [a], [Hook()], Now);
        var send = Assert.Single(result.Sends);
        Assert.Equal("first notification", send.Reason);
        Assert.Equal(Set(a), send.Firing);
    }

    [Fact]
    public void Nothing_new_sends_nothing_until_repeat_interval()
    {
        var a = Firing(("alertname", "A"));
        var recent = new NotificationLogEntry(Set(a), new HashSet<ulong>(), Now.AddMinutes(-30));
        Assert.Empty(Pipeline().Run(Root, [a], [Hook(recent)], Now).Sends);
        var old = recent with { Timestamp = Now.AddMinutes(-61) };
        Assert.StartsWith("repeat_interval", Assert.Single(Pipeline().Run(Root, [a], [Hook(old)], Now).Sends).Reason);
    }

    [Fact]
    public void Send_resolved_off_drops_resolved_alerts_from_the_message_but_logs_them()
    {
        var a = Firing(("alertname", "A"));
        var b = Resolved(("alertname", "B"));
        var last = new NotificationLogEntry(new HashSet<ulong>(), new HashSet<ulong>(), Now.AddHours(-2));
        var send = Assert.Single(Pipeline().Run(Root, [a, b], [Hook(last, sendResolved: false)], Now).Sends);
        Assert.Equal([a], send.Alerts);
        Assert.Equal(Set(b), send.Resolved);
    }

    [Fact]
    public void Inhibited_alerts_are_held_back_and_reported()
    {
        var rule = new InhibitRule(MatcherParser.ParseList("severity=critical"), MatcherParser.ParseList("severity=warning"), ["cluster"]);
        var source = Firing(("alertname", "Down"), ("severity", "critical"), ("cluster", "a"));
        var target = Firing(("alertname", "Slow"), ("severity", "warning"), ("cluster", "a"));
        var result = Pipeline([rule], [source, target]).Run(Root, [target], [Hook()], Now);
        Assert.Empty(result.Sends);
        Assert.Equal(source.Fingerprint, result.Suppressed[target.Fingerprint].InhibitedBy);
    }

    [Fact]
    public void Silenced_alerts_are_held_back_with_the_silence_ids()
    {
        var silence = new Silence(Guid.NewGuid(), MatcherParser.ParseList("alertname=A"), Now.AddHours(-1), Now.AddHours(1), Now, "me", "c");
        var a = Firing(("alertname", "A"));
        var b = Firing(("alertname", "B"));
        var result = Pipeline(silences: [silence]).Run(Root, [a, b], [Hook()], Now);
        Assert.Equal([b], Assert.Single(result.Sends).Alerts);
        Assert.Equal([silence.Id.ToString()], result.Suppressed[a.Fingerprint].SilencedBy);
    }

    [Fact]
    public void Active_time_intervals_send_only_inside_them()
    {
        var office = Root.Routes[0];
        var a = Firing(("alertname", "A"), ("team", "office")) with { EndsAt = Now.AddDays(1) };
        Assert.Single(Pipeline().Run(office, [a], [Hook()], Now).Sends);
        var night = Pipeline().Run(office, [a], [Hook()], Now.AddHours(12));
        Assert.Empty(night.Sends);
        Assert.Contains("outside active_time_intervals", night.Suppressed[a.Fingerprint].MutedBy);
    }

    [Fact]
    public void Mute_time_intervals_hold_everything_inside_them()
    {
        var quiet = Root.Routes[1];
        var a = Firing(("alertname", "A"), ("team", "quiet")) with { EndsAt = Now.AddDays(1) };
        var muted = Pipeline().Run(quiet, [a], [Hook()], Now);
        Assert.Empty(muted.Sends);
        Assert.Equal("office-hours", muted.Suppressed[a.Fingerprint].MutedBy);
        Assert.Single(Pipeline().Run(quiet, [a], [Hook()], Now.AddHours(12)).Sends);
    }

    [Fact]
    public void Each_integration_decides_from_its_own_log()
    {
        var a = Firing(("alertname", "A"));
        var told = new NotificationLogEntry(Set(a), new HashSet<ulong>(), Now.AddMinutes(-1));
        var result = Pipeline().Run(Root, [a], [new("webhook[0]", true, told), new("webhook[1]", true, null)], Now);
        Assert.Equal("webhook[1]", Assert.Single(result.Sends).Integration);
    }

    [Fact]
    public void All_resolved_is_sent_once_when_firing_alerts_were_told()
    {
        var a = Resolved(("alertname", "A"));
        var told = new NotificationLogEntry(Set(a), new HashSet<ulong>(), Now.AddMinutes(-1));
        Assert.Equal("all alerts resolved", Assert.Single(Pipeline().Run(Root, [a], [Hook(told)], Now).Sends).Reason);
        var never = Pipeline().Run(Root, [a], [Hook()], Now);
        Assert.Empty(never.Sends);
    }

    [Fact]
    public void Acknowledged_groups_skip_repeats_but_not_news()
    {
        var a = Firing(("alertname", "A"));
        var old = new NotificationLogEntry(Set(a), new HashSet<ulong>(), Now.AddHours(-2));
        Assert.Empty(Pipeline().Run(Root, [a], [Hook(old)], Now, acknowledged: true).Sends);
        var b = Firing(("alertname", "B"));
        Assert.Equal("new firing alerts", Assert.Single(Pipeline().Run(Root, [a, b], [Hook(old)], Now, acknowledged: true).Sends).Reason);
    }
}
