using Alerting.Core.Alerts;
using Alerting.Core.Labels;

namespace Alerting.Core.Notifications;

public sealed class NotificationDataTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Alert Alert(LabelSet labels, LabelSet? annotations = null, DateTimeOffset? endsAt = null) =>
        new(labels, annotations ?? LabelSet.Empty, Now.AddHours(-1), endsAt ?? Now.AddMinutes(5), "http://prom/graph", Now, false);

    private static NotificationData Create(params Alert[] alerts) =>
        NotificationData.Create("team", "{}:{}", LabelSet.Empty, alerts, "http://am", Now);

    [Fact]
    public void Carries_the_group_and_receiver_context()
    {
        var groupLabels = LabelSet.From(("alertname", "Down"));
        var data = NotificationData.Create("team", "{}:{alertname=\"Down\"}", groupLabels,
            [Alert(LabelSet.From(("alertname", "Down")))], "http://am:9093", Now);

        Assert.Equal("team", data.Receiver);
        Assert.Equal("{}:{alertname=\"Down\"}", data.GroupKey);
        Assert.Equal(groupLabels, data.GroupLabels);
        Assert.Equal("http://am:9093", data.ExternalUrl);
        Assert.Equal(0, data.TruncatedAlerts);
    }

    [Fact]
    public void Receiver_is_regexp_quoted_as_alertmanager_does()
    {
        var data = NotificationData.Create(@"ops.team+(night)|[x]{1}^$*?\", "k", LabelSet.Empty, [], "", Now);
        Assert.Equal(@"ops\.team\+\(night\)\|\[x\]\{1\}\^\$\*\?\\", data.Receiver);
        Assert.Equal("sink-db_critical", NotificationData.Create("sink-db_critical", "k", LabelSet.Empty, [], "", Now).Receiver);
    }

    [Fact]
    public void Status_is_firing_when_any_alert_fires()
    {
        var data = Create(
            Alert(LabelSet.From(("a", "1")), endsAt: Now.AddMinutes(-1)),
            Alert(LabelSet.From(("a", "2"))));
        Assert.Equal("firing", data.Status);
        Assert.Equal(["resolved", "firing"], data.Alerts.Select(a => a.Status));
        Assert.Single(data.Firing);
        Assert.Single(data.Resolved);
    }

    [Fact]
    public void Status_is_resolved_when_all_alerts_resolved_including_an_end_exactly_now()
    {
        var data = Create(
            Alert(LabelSet.From(("a", "1")), endsAt: Now.AddMinutes(-1)),
            Alert(LabelSet.From(("a", "2")), endsAt: Now));
        Assert.Equal("resolved", data.Status);
        Assert.All(data.Alerts, a => Assert.Equal("resolved", a.Status));
        Assert.Equal("resolved", Create().Status);
    }

    [Fact]
    public void Alerts_keep_their_fields_and_get_a_hex_fingerprint()
    {
        var labels = LabelSet.From(("alertname", "RetryProbe"), ("severity", "warning"));
        var annotations = LabelSet.From(("summary", "s"));
        var data = Create(Alert(labels, annotations));

        var alert = Assert.Single(data.Alerts);
        Assert.Equal(labels, alert.Labels);
        Assert.Equal(annotations, alert.Annotations);
        Assert.Equal(Now.AddHours(-1), alert.StartsAt);
        Assert.Equal(Now.AddMinutes(5), alert.EndsAt); // firing keeps its stored end in the model
        Assert.Equal("http://prom/graph", alert.GeneratorUrl);
        Assert.Equal("3d1bef428447e8bd", alert.Fingerprint); // from the captured Alertmanager webhook
    }

    [Fact]
    public void Alerts_are_sorted_with_alert_order()
    {
        var noJob = Alert(LabelSet.From(("alertname", "A")));
        var jobB = Alert(LabelSet.From(("alertname", "A"), ("job", "b")));
        var jobA = Alert(LabelSet.From(("alertname", "A"), ("job", "a")));

        var data = Create(noJob, jobB, jobA);

        Assert.Equal(["a", "b", ""], data.Alerts.Select(a => a.Labels.Get("job")));
    }

    [Fact]
    public void Common_labels_and_annotations_are_pairs_shared_by_every_alert()
    {
        var data = Create(
            Alert(LabelSet.From(("alertname", "Down"), ("env", "prod"), ("instance", "a")), LabelSet.From(("runbook", "r"), ("summary", "a down"))),
            Alert(LabelSet.From(("alertname", "Down"), ("env", "prod"), ("instance", "b")), LabelSet.From(("runbook", "r"), ("summary", "b down"))),
            Alert(LabelSet.From(("alertname", "Down"), ("env", "dev"), ("instance", "c")), LabelSet.From(("runbook", "r"))));

        Assert.Equal(LabelSet.From(("alertname", "Down")), data.CommonLabels);
        Assert.Equal(LabelSet.From(("runbook", "r")), data.CommonAnnotations);
    }

    [Fact]
    public void Common_labels_of_one_alert_are_all_its_labels_and_of_none_are_empty()
    {
        var labels = LabelSet.From(("alertname", "Down"), ("env", "prod"));
        Assert.Equal(labels, Create(Alert(labels)).CommonLabels);
        Assert.Same(LabelSet.Empty, Create().CommonLabels);
        Assert.Same(LabelSet.Empty, Create().CommonAnnotations);
    }

    [Fact]
    public void Truncate_keeps_the_first_alerts_and_recomputes_status_and_common_pairs()
    {
        var data = Create(
            Alert(LabelSet.From(("instance", "a"), ("job", "j"), ("zone", "1")), endsAt: Now.AddMinutes(-1)),
            Alert(LabelSet.From(("instance", "b"), ("job", "j"), ("zone", "1")), endsAt: Now.AddMinutes(-1)),
            Alert(LabelSet.From(("instance", "c"), ("job", "j"), ("zone", "2"))));
        Assert.Equal("firing", data.Status);
        Assert.Equal(LabelSet.From(("job", "j")), data.CommonLabels);

        var truncated = data.Truncate(2);

        Assert.Equal(["a", "b"], truncated.Alerts.Select(a => a.Labels.Get("instance")));
        Assert.Equal(1, truncated.TruncatedAlerts);
        Assert.Equal("resolved", truncated.Status);
        Assert.Equal(LabelSet.From(("job", "j"), ("zone", "1")), truncated.CommonLabels);
        Assert.Equal(data.Receiver, truncated.Receiver);
        Assert.Equal(data.GroupKey, truncated.GroupKey);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(long.MaxValue)]
    public void Truncate_without_a_binding_limit_changes_nothing(long max)
    {
        var data = Create(Alert(LabelSet.From(("a", "1"))), Alert(LabelSet.From(("a", "2"))), Alert(LabelSet.From(("a", "3"))));
        Assert.Same(data, data.Truncate(max));
    }
}
