using Alerting.Core.Labels;
using Alerting.Core.Matching;

namespace Alerting.Core.Alerts;

public sealed class AlertTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly LabelSet Labels = LabelSet.From(("alertname", "A"));

    private static Alert Make(int startMin, int endMin, int updatedMin, bool timeout = false, string summary = "") =>
        new(Labels, LabelSet.From(("summary", summary)), T0.AddMinutes(startMin), T0.AddMinutes(endMin), "", T0.AddMinutes(updatedMin), timeout);

    [Fact]
    public void Overlapping_alerts_merge_keeping_earliest_start_and_newest_annotations()
    {
        var stored = Make(0, 10, 0, summary: "old");
        var incoming = Make(5, 15, 1, summary: "new");
        var merged = Alert.Combine(stored, incoming, now: T0.AddMinutes(1));
        Assert.Equal(T0, merged.StartsAt);
        Assert.Equal(T0.AddMinutes(15), merged.EndsAt);
        Assert.Equal("new", merged.Annotations.Get("summary"));
    }

    [Fact]
    public void A_later_explicit_end_is_kept_over_a_sooner_one()
    {
        var stored = Make(0, 30, 0);
        var incoming = Make(0, 20, 1);
        // incoming.EndsAt (20) lies inside stored's range: overlap, and stored's explicit end (30) wins.
        var merged = Alert.Combine(stored, incoming, now: T0.AddMinutes(1));
        Assert.Equal(T0.AddMinutes(30), merged.EndsAt);
    }

    [Fact]
    public void A_timeout_end_does_not_override_a_newer_explicit_end()
    {
        var stored = Make(0, 30, 0, timeout: true);
        var incoming = Make(0, 20, 1);
        var merged = Alert.Combine(stored, incoming, now: T0.AddMinutes(1));
        Assert.Equal(T0.AddMinutes(20), merged.EndsAt);
    }

    [Fact]
    public void A_refire_after_resolve_is_not_merged()
    {
        var stored = Make(0, 10, 10);
        var incoming = Make(20, 30, 20);
        var merged = Alert.Combine(stored, incoming, now: T0.AddMinutes(20));
        Assert.Equal(T0.AddMinutes(20), merged.StartsAt);
    }

    [Fact]
    public void Resolving_an_alert_ends_it_at_the_given_time()
    {
        var stored = Make(0, 60, 0, timeout: true);
        var resolve = Make(0, 5, 5); // endsAt 5 lies inside stored's range
        var merged = Alert.Combine(stored, resolve, now: T0.AddMinutes(5));
        Assert.Equal(T0.AddMinutes(5), merged.EndsAt);
        Assert.True(merged.Resolved(T0.AddMinutes(5)));
    }

    [Fact]
    public void Both_resolved_keep_the_latest_explicit_end()
    {
        var a = Make(0, 8, 9);
        var o = Make(0, 6, 10);
        var merged = Alert.Merge(a, o, now: T0.AddMinutes(10));
        Assert.Equal(T0.AddMinutes(8), merged.EndsAt);
    }

    [Fact]
    public void Validation_reports_each_problem()
    {
        var errors = AlertValidation.Validate(
            [new("bad-name", "x"), new("ok", "\uD800")],
            [new("summary", new string('x', 10))],
            T0.AddMinutes(10),
            T0,
            InputLimits.Default with { MaxAnnotationValueLength = 5 },
            new MatcherSyntax(MatcherMode.Classic));
        Assert.Contains(errors, e => e.Contains("start time must be before end time"));
        Assert.Contains(errors, e => e.Contains("invalid label name \"bad-name\""));
        Assert.Contains(errors, e => e.Contains("not valid UTF-8"));
        Assert.Contains(errors, e => e.Contains("value too long"));
    }

    [Fact]
    public void Label_and_annotation_names_follow_the_mode()
    {
        List<KeyValuePair<string, string>> labels = [new("service.name", "api"), new("Größe", "x"), new("a b", "c")];
        List<KeyValuePair<string, string>> annotations = [new("runbook-url", "http://r")];
        Assert.Empty(AlertValidation.Validate(labels, annotations, T0, T0.AddMinutes(1), InputLimits.Default, MatcherSyntax.Default));
        Assert.Empty(AlertValidation.Validate(labels, annotations, T0, T0.AddMinutes(1), InputLimits.Default, new MatcherSyntax(MatcherMode.Utf8Strict)));
        var classic = AlertValidation.Validate(labels, annotations, T0, T0.AddMinutes(1), InputLimits.Default, new MatcherSyntax(MatcherMode.Classic));
        Assert.Equal(["invalid label name \"service.name\"", "invalid label name \"Größe\"", "invalid label name \"a b\"", "invalid annotation name \"runbook-url\""], classic);
        // In any mode: never empty, never NUL (PostgreSQL cannot store it).
        var nul = AlertValidation.Validate([new("a\0b", "x"), new("", "y")], [], T0, T0.AddMinutes(1), InputLimits.Default, MatcherSyntax.Default);
        Assert.Equal(["invalid label name \"a\\x00b\"", "invalid label name \"\""], nul);
    }

    [Fact]
    public void Validation_requires_a_label()
    {
        var errors = AlertValidation.Validate([new("a", "")], [], T0, T0.AddMinutes(1), InputLimits.Default, MatcherSyntax.Default);
        Assert.Contains("at least one label pair required", errors);
    }
}
