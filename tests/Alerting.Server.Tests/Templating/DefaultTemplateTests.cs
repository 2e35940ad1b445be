using Alerting.Channels;
using Alerting.Metrics;
using static Alerting.Templating.TemplateTestData;

namespace Alerting.Templating;

public sealed class DefaultTemplateTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var name in ChannelRegistry.Templates.Names)
        {
            foreach (var language in new[] { "en", "zh-CN" })
            {
                foreach (var scenario in new[] { "firing", "resolved", "mixed" })
                {
                    data.Add(name, language, scenario);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_default_renders_status_alert_and_time(string name, string language, string scenario)
    {
        var metrics = new AlertingMetrics();
        var renderer = Renderer(metrics);
        var source = renderer.Find(name, language);
        Assert.NotNull(source);
        Assert.True(source.IsDefault);
        Assert.Equal(language, source.Language);
        Assert.Null(source.Error);

        var model = Model(Scenario(scenario), language, "Asia/Shanghai");
        var text = renderer.Render(name, language, model);

        Assert.Equal(0, Failures(metrics, name)); // the template itself rendered, not the plain-text fallback
        Assert.NotEqual(TemplateRenderer.PlainText(ChannelRegistry.Templates.For(name), model), text);
        Assert.Contains("DiskFull", text);
        var (firingWord, resolvedWord) = language == "en" ? ("FIRING", "RESOLVED") : ("告警", "已恢复");
        if (name is "slack.text" or "feishu.markdown")
        {
            // Slack and Feishu show the status in the title; the text has a section per status.
            (firingWord, resolvedWord) = language == "en" ? ("Firing (", "Resolved (") : ("告警中（", "已恢复（");
            Assert.Equal(scenario != "resolved", text.Contains(firingWord, StringComparison.Ordinal));
            Assert.Equal(scenario != "firing", text.Contains(resolvedWord, StringComparison.Ordinal));
        }
        else if (scenario == "resolved")
        {
            Assert.Contains(resolvedWord, text);
            Assert.DoesNotContain(firingWord + ":", text);
        }
        else
        {
            Assert.Contains($"{firingWord}:{model.FiringCount}", text);
        }
        if (name.EndsWith(".title", StringComparison.Ordinal) || name.EndsWith(".subject", StringComparison.Ordinal))
        {
            Assert.DoesNotContain('\n', text);
            Assert.Contains("critical", text);
            return;
        }

        // Bodies: severity, count, summary and description, the labels that differ, times in the zone, links.
        Assert.Contains("critical", text);
        Assert.Contains(model.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
        Assert.Contains("Disk /data is", text);
        Assert.Contains("needs attention", text);
        Assert.Contains("cluster=eu1", text);
        Assert.Contains(scenario == "resolved" ? "db-2" : "db-1", text);
        Assert.Contains("2025-05-01 20:00:00 +08:00", text); // 12:00 UTC started, shown in Asia/Shanghai
        Assert.DoesNotContain("+00:00", text);
        if (scenario == "mixed")
        {
            Assert.Contains("db-2", text);
            Assert.Contains(resolvedWord, text, StringComparison.OrdinalIgnoreCase); // the "Resolved" section
            Assert.Contains("2025-05-01 20:25:00 +08:00", text); // when the resolved one ended
        }
        if (name == "feishu.markdown")
        {
            // The card's buttons carry the action links.
            Assert.DoesNotContain("/action/", text, StringComparison.Ordinal);
            return;
        }
        Assert.Contains($"{ExternalUrl}/action/preview-view", text);
        Assert.Contains($"{ExternalUrl}/action/preview-silence-1h", text);
        Assert.Contains($"{ExternalUrl}/action/preview-silence-4h", text);
        Assert.Contains($"{ExternalUrl}/action/preview-silence-24h", text);
        Assert.Contains($"{ExternalUrl}/action/preview-ack", text);
        Assert.Contains(language == "en" ? "Silence 4h" : "静默 4 小时", text);
        if (language == "zh-CN")
        {
            Assert.Contains("级别", text);
            Assert.Contains("确认", text);
        }
    }

    [Theory]
    [InlineData("dingtalk.markdown", "[Dashboard](http://grafana/d/disk)", "[Panel](http://grafana/d/disk?viewPanel=2)")]
    [InlineData("slack.text", "<http://grafana/d/disk|Dashboard>", "<http://grafana/d/disk?viewPanel=2|Panel>")]
    [InlineData("email.text", "Dashboard: http://grafana/d/disk", "Panel: http://grafana/d/disk?viewPanel=2")]
    [InlineData("email.html", "<a href=\"http://grafana/d/disk\">Dashboard</a>", "<a href=\"http://grafana/d/disk?viewPanel=2\">Panel</a>")]
    public void Grafana_links_and_value_show_when_present(string name, string dashboard, string panel)
    {
        var data = Mixed();
        var grafana = new Dictionary<string, GrafanaLinks>
        {
            [data.Alerts[0].Fingerprint] = new("http://grafana/d/disk", "http://grafana/d/disk?viewPanel=2", "[ var='A' value=97 ]"),
        };
        var metrics = new AlertingMetrics();
        var renderer = Renderer(metrics);

        var text = renderer.Render(name, "en", Model(data, grafana: grafana));
        Assert.Contains(dashboard, text);
        Assert.Contains(panel, text);
        Assert.Contains("value=97", text);

        var without = renderer.Render(name, "en", Model(data));
        Assert.DoesNotContain("Dashboard", without);
        Assert.DoesNotContain("Panel", without);
        Assert.Equal(0, Failures(metrics, name));
    }

    [Fact]
    public void Languages_fall_back_to_their_sibling_then_to_English()
    {
        var renderer = Renderer(new AlertingMetrics());
        Assert.Equal("zh-CN", renderer.Find("dingtalk.markdown", "zh")!.Language);
        Assert.Equal("zh-CN", renderer.Find("dingtalk.markdown", "zh-TW")!.Language);
        Assert.Equal("zh-CN", renderer.Find("dingtalk.markdown", "ZH-cn")!.Language);
        Assert.Equal("en", renderer.Find("dingtalk.markdown", "fr")!.Language);
        Assert.Equal("en", renderer.Find("dingtalk.markdown", null)!.Language);
    }

    [Fact]
    public void Truncated_alerts_are_mentioned()
    {
        var data = Firing() with { TruncatedAlerts = 7 };
        var renderer = Renderer(new AlertingMetrics());
        Assert.Contains("and 7 more", renderer.Render("dingtalk.markdown", "en", Model(data)));
        Assert.Contains("另有 7 条告警未列出", renderer.Render("dingtalk.markdown", "zh-CN", Model(data, "zh-CN")));
        Assert.Equal(9, Model(data).Count);
    }

    [Fact]
    public void Model_offers_display_values()
    {
        var model = Model(Mixed(), "zh-CN", "Asia/Shanghai");
        Assert.Equal("firing", model.Status);
        Assert.Equal("DiskFull", model.AlertName);
        Assert.Equal("critical", model.Severity);
        Assert.Equal("2025-05-01 20:00:00 +08:00", model.StartsAtText);
        Assert.Equal("Asia/Shanghai", model.TimeZone);
        Assert.Equal(["cluster"], model.KeyLabels.Keys);
        Assert.Single(model.Firing);
        Assert.Single(model.Resolved);
        var firing = model.Firing[0];
        Assert.Null(firing.EndsAt);
        Assert.Equal("30分钟", firing.Duration);
        Assert.Equal(["instance"], firing.UniqueLabels.Keys);
        Assert.Equal("25分钟", model.Resolved[0].Duration);
        Assert.Equal("2025-05-01 20:25:00 +08:00", model.Resolved[0].EndsAtText);
        Assert.Equal("2h 5m", TemplateAlert.FormatDuration(TimeSpan.FromMinutes(125)));
        Assert.Equal("3d 4h", TemplateAlert.FormatDuration(new TimeSpan(3, 4, 59, 0)));
    }

    [Fact]
    public void Template_sees_snake_case_members()
    {
        var renderer = Renderer(new AlertingMetrics());
        var source = ScribanSource.Parse("email.text", "en", "test", """
            {{ receiver }}|{{ status }}|{{ alerts.size }}|{{ firing.size }}|{{ resolved.size }}|{{ group_labels.alertname }}|{{ common_labels.cluster }}|{{ external_url }}|{{ group_key }}|{{ truncated_alerts }}|{{ language }}|{{ time_zone }}|{{ count }}|{{ severity }}
            {{ a = alerts[0] }}{{ a.status }}|{{ a.labels.instance }}|{{ a.annotations.summary }}|{{ a.starts_at | date.to_string '%F %T' }}|{{ a.ends_at == null }}|{{ a.generator_url }}|{{ a.fingerprint }}|{{ a.dashboard_url == null }}
            {{ links.view }}|{{ links.silence_1h }}|{{ links.silence_4h }}|{{ links.silence_24h }}|{{ links.acknowledge }}
            """, isDefault: false);
        var data = Mixed();
        var result = renderer.TryRender(source, Model(data, timeZone: "Asia/Shanghai"));
        Assert.Null(result.Error);
        var lines = result.Text!.Split('\n');
        Assert.Equal("ops|firing|2|1|1|DiskFull|eu1|http://alerting.example:9093|{}:{alertname=\"DiskFull\"}|0|en|Asia/Shanghai|2|critical", lines[0]);
        Assert.Equal($"firing|db-1|Disk /data is 97% full|2025-05-01 12:00:00|true|http://prometheus:9090/graph?g0.expr=disk_free|{data.Alerts[0].Fingerprint}|true", lines[1]);
        Assert.Equal($"{ExternalUrl}/action/preview-view|{ExternalUrl}/action/preview-silence-1h|{ExternalUrl}/action/preview-silence-4h|{ExternalUrl}/action/preview-silence-24h|{ExternalUrl}/action/preview-ack", lines[2]);
    }
}
