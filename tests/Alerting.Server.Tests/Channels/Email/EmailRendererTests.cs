using Alerting.Core.Labels;
using static Alerting.Channels.Email.EmailTestData;

namespace Alerting.Channels.Email;

public sealed class EmailRendererTests
{
    [Fact]
    public void Subject_is_Alertmanagers_default_status_count_group_values_and_other_common_values()
    {
        Assert.Equal("[FIRING:2] DiskFull (eu1 critical)", EmailRenderer.Subject(Data()));
    }

    [Fact]
    public void Subject_of_a_resolved_group_has_no_count_and_no_parentheses_when_nothing_is_common_beyond_the_group()
    {
        var data = Data(
            Alert(LabelSet.From(("alertname", "Down"), ("instance", "a")), resolved: true),
            Alert(LabelSet.From(("alertname", "Down"), ("instance", "b")), resolved: true));

        Assert.Equal("[RESOLVED] Down", EmailRenderer.Subject(data));
    }

    [Fact]
    public void Subject_counts_only_the_firing_alerts()
    {
        var data = Data(
            Alert(LabelSet.From(("alertname", "Down"), ("instance", "a"))),
            Alert(LabelSet.From(("alertname", "Down"), ("instance", "b")), resolved: true));

        Assert.Equal("[FIRING:1] Down", EmailRenderer.Subject(data));
    }

    [Fact]
    public void Text_lists_each_alert_with_labels_annotations_times_source_and_the_action_links()
    {
        var data = Data(
            Alert(LabelSet.From(("alertname", "Down"), ("instance", "a")), LabelSet.From(("summary", "a is down"))),
            Alert(LabelSet.From(("alertname", "Down"), ("instance", "b")), resolved: true));

        var (_, text, _) = EmailRenderer.Default.Render(data, TestLinks);

        Assert.Contains("2 alerts for alertname=Down", text, StringComparison.Ordinal);
        Assert.Contains("[1] Firing", text, StringComparison.Ordinal);
        Assert.Contains("[1] Resolved", text, StringComparison.Ordinal);
        Assert.Contains(" - instance = a\n", text, StringComparison.Ordinal);
        Assert.Contains(" - summary = a is down\n", text, StringComparison.Ordinal);
        Assert.Contains("Started: 2025-03-01 11:30:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("Ended: 2025-03-01 11:59:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("Source: http://prometheus.test/graph?g0.expr=up", text, StringComparison.Ordinal);
        Assert.Contains($"View: {TestLinks.View}", text, StringComparison.Ordinal);
        Assert.Contains($"Silence 1h: {TestLinks.Silence1h}", text, StringComparison.Ordinal);
        Assert.Contains($"Silence 4h: {TestLinks.Silence4h}", text, StringComparison.Ordinal);
        Assert.Contains($"Silence 24h: {TestLinks.Silence24h}", text, StringComparison.Ordinal);
        Assert.Contains($"Acknowledge: {TestLinks.Acknowledge}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_links_every_action_and_escapes_every_alert_value()
    {
        var data = Data(Alert(
            LabelSet.From(("alertname", "X\"><b>"), ("team", "R&D")),
            LabelSet.From(("summary", "<script>alert(1)</script>")),
            generatorUrl: "http://prometheus.test/graph?a=1&b=<2>"));

        var (_, _, html) = EmailRenderer.Default.Render(data, TestLinks);

        Assert.Contains($"<a href=\"{TestLinks.View}\">View</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{TestLinks.Silence1h}\">1h</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{TestLinks.Silence4h}\">4h</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{TestLinks.Silence24h}\">24h</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{TestLinks.Acknowledge}\">Acknowledge</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("X&quot;&gt;&lt;b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("R&amp;D", html, StringComparison.Ordinal);
        Assert.Contains("href=\"http://prometheus.test/graph?a=1&amp;b=&lt;2&gt;\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generator_url_that_is_not_http_is_shown_as_text_never_as_a_link()
    {
        var data = Data(Alert(LabelSet.From(("alertname", "X")), generatorUrl: "javascript:alert(1)"));

        var (_, _, html) = EmailRenderer.Default.Render(data, null);

        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Source: javascript:alert(1)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_links_neither_part_mentions_them()
    {
        var (_, text, html) = EmailRenderer.Default.Render(Data(), null);

        Assert.DoesNotContain("Acknowledge", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Acknowledge", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_left_out_by_max_alerts_are_counted()
    {
        var data = Data().Truncate(1);

        var (_, text, html) = EmailRenderer.Default.Render(data, null);

        Assert.Contains("2 alerts for alertname=DiskFull", text, StringComparison.Ordinal);
        Assert.Contains("and 1 more", text, StringComparison.Ordinal);
        Assert.Contains("and 1 more", html, StringComparison.Ordinal);
    }
}
