using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Matching;

namespace Alerting.Core.Inhibition;

public sealed class InhibitorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Alert Firing(params (string, string)[] labels) =>
        new(LabelSet.From(labels), LabelSet.Empty, Now.AddMinutes(-1), Now.AddMinutes(5), "", Now, false);

    private static readonly InhibitRule CriticalMutesWarning = new(
        MatcherParser.ParseList("severity=critical"),
        MatcherParser.ParseList("severity=warning"),
        ["cluster"]);

    [Fact]
    public void Source_mutes_target_when_equal_labels_agree()
    {
        var source = Firing(("alertname", "Down"), ("severity", "critical"), ("cluster", "a"));
        var inhibitor = new Inhibitor([CriticalMutesWarning], [source], Now);
        Assert.Equal(source.Fingerprint, inhibitor.InhibitedBy(LabelSet.From(("alertname", "Slow"), ("severity", "warning"), ("cluster", "a"))));
        Assert.Null(inhibitor.InhibitedBy(LabelSet.From(("alertname", "Slow"), ("severity", "warning"), ("cluster", "b"))));
        Assert.Null(inhibitor.InhibitedBy(LabelSet.From(("alertname", "Slow"), ("severity", "info"), ("cluster", "a"))));
    }

    [Fact]
    public void Missing_equal_label_equals_empty()
    {
        var source = Firing(("alertname", "Down"), ("severity", "critical"));
        var inhibitor = new Inhibitor([CriticalMutesWarning], [source], Now);
        Assert.NotNull(inhibitor.InhibitedBy(LabelSet.From(("alertname", "Slow"), ("severity", "warning"))));
        Assert.Null(inhibitor.InhibitedBy(LabelSet.From(("alertname", "Slow"), ("severity", "warning"), ("cluster", "x"))));
    }

    [Fact]
    public void Resolved_sources_do_not_inhibit()
    {
        var source = Firing(("severity", "critical")) with { EndsAt = Now.AddMinutes(-1) };
        var inhibitor = new Inhibitor([CriticalMutesWarning], [source], Now);
        Assert.Null(inhibitor.InhibitedBy(LabelSet.From(("severity", "warning"))));
    }

    [Fact]
    public void Alert_matching_both_sides_is_not_inhibited_by_another_matching_both()
    {
        var rule = new InhibitRule(MatcherParser.ParseList("a=x"), MatcherParser.ParseList("b=y"), ["c"]);
        var both1 = Firing(("a", "x"), ("b", "y"), ("c", "1"), ("n", "1"));
        var both2 = Firing(("a", "x"), ("b", "y"), ("c", "1"), ("n", "2"));
        var inhibitor = new Inhibitor([rule], [both1, both2], Now);
        Assert.Null(inhibitor.InhibitedBy(both1.Labels));
        Assert.Null(inhibitor.InhibitedBy(both2.Labels));

        // A source-only alert does inhibit it.
        var sourceOnly = Firing(("a", "x"), ("c", "1"));
        inhibitor = new Inhibitor([rule], [both1, sourceOnly], Now);
        Assert.Equal(sourceOnly.Fingerprint, inhibitor.InhibitedBy(both1.Labels));
    }

    [Fact]
    public void Empty_rule_inhibits_everything_but_alerts_matching_both_sides()
    {
        // No matchers and no equal: every firing alert is a source and every alert a target.
        var rule = new InhibitRule(Matchers.None, Matchers.None, []);
        var a = Firing(("alertname", "A"));
        var inhibitor = new Inhibitor([rule], [a], Now);
        Assert.Null(inhibitor.InhibitedBy(a.Labels));
    }
}
