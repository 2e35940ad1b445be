using Alerting.Channels;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Metrics;
using static Alerting.Templating.TemplateTestData;

namespace Alerting.Templating;

/// <summary>Every default message body links the alert's runbook, dashboard, Grafana panel and source, http(s) only.</summary>
public sealed class LinkTemplateTests
{
    private const string Runbook = "https://runbooks.example/disk-full";
    private const string Dashboard = "https://grafana.example/d/disk";
    private const string Panel = "https://grafana.example/d/disk?viewPanel=2";
    private const string Source = "http://prometheus:9090/graph?g0.expr=disk_free";

    // Titles and subjects are one line without links; every other template is a message body.
    public static TheoryData<string, string> Bodies()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in ChannelRegistry.Templates.Names.Where(n => !n.EndsWith(".title", StringComparison.Ordinal) && !n.EndsWith(".subject", StringComparison.Ordinal)))
        {
            data.Add(name, "en");
            data.Add(name, "zh-CN");
        }
        return data;
    }

    [Fact]
    public void Every_channel_body_template_is_covered()
    {
        var names = Bodies().Select(row => (string)row[0]).ToHashSet();
        Assert.Superset(new HashSet<string> { "dingtalk.markdown", "wecom.markdown", "wecom.text", "feishu.markdown", "email.html", "email.text", "slack.text" }, names);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Runbook_dashboard_panel_and_source_are_linked(string name, string language)
    {
        var metrics = new AlertingMetrics();
        var (data, grafana) = WithLinks(("runbook_url", Runbook), ("dashboard_url", Dashboard));

        var text = Renderer(metrics).Render(name, language, Model(data, language, grafana: grafana));

        Assert.Contains(Runbook, text);
        Assert.Contains(Dashboard, text);
        Assert.Contains(Panel, text);
        Assert.Contains(Source, text);
        Assert.Contains(language == "en" ? "Runbook" : "处理手册", text);
        Assert.Equal(0, Failures(metrics, name));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Javascript_links_from_annotations_are_not_rendered(string name, string language)
    {
        var metrics = new AlertingMetrics();
        var (data, _) = WithLinks(("runbook_url", "javascript:alert(1)"), ("dashboard_url", "JavaScript:alert(2)"));
        data = data with { Alerts = [.. data.Alerts.Select(a => a with { GeneratorUrl = "javascript:alert(3)" })] };

        var text = Renderer(metrics).Render(name, language, Model(data, language));

        Assert.DoesNotContain("javascript", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(language == "en" ? "Runbook" : "处理手册", text);
        Assert.DoesNotContain(language == "en" ? "Dashboard" : "仪表盘", text);
        Assert.DoesNotContain(language == "en" ? "Source" : "来源", text);
        Assert.Equal(0, Failures(metrics, name));
    }

    [Fact]
    public void Runbook_annotation_is_the_fallback_and_dashboard_annotation_wins_over_grafana()
    {
        var (data, grafana) = WithLinks(("runbook", Runbook), ("dashboard_url", "https://dashboards.example/disk"));
        var text = Renderer(new AlertingMetrics()).Render("dingtalk.markdown", "en", Model(data, grafana: grafana));

        Assert.Contains($"[Runbook]({Runbook}) | [Dashboard](https://dashboards.example/disk) | [Panel]({Panel}) | [Source]({Source})", text);
        Assert.DoesNotContain($"({Dashboard})", text);
    }

    [Fact]
    public void Unsafe_dashboard_annotation_falls_back_to_grafana_and_urls_are_escaped_for_the_channel()
    {
        var (data, grafana) = WithLinks(("runbook_url", "https://runbooks.example/a)b<c>"), ("dashboard_url", "javascript:alert(1)"));
        var renderer = Renderer(new AlertingMetrics());

        var markdown = renderer.Render("dingtalk.markdown", "en", Model(data, grafana: grafana));
        Assert.Contains("[Runbook](https://runbooks.example/a%29b%3Cc%3E)", markdown);
        Assert.Contains($"[Dashboard]({Dashboard})", markdown);

        var html = renderer.Render("email.html", "en", Model(data, grafana: grafana));
        Assert.Contains("<a href=\"https://runbooks.example/a%29b%3Cc%3E\">Runbook</a>", html);
    }

    // The first alert of a mixed group carries every link; Grafana's dashboard and panel come from its extra data.
    private static (NotificationData Data, Dictionary<string, GrafanaLinks> Grafana) WithLinks(params (string Name, string Value)[] annotations)
    {
        var data = Mixed();
        var first = data.Alerts[0];
        first = first with { Annotations = LabelSet.From([.. first.Annotations.Select(p => (p.Key, p.Value)), .. annotations]) };
        data = data with { Alerts = [first, .. data.Alerts.Skip(1).Select(a => a with { GeneratorUrl = "" })] };
        var grafana = new Dictionary<string, GrafanaLinks> { [first.Fingerprint] = new(Dashboard, Panel, null) };
        return (data, grafana);
    }
}
