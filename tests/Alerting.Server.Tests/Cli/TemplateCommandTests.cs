using Alerting.Cli;
using Alerting.Infrastructure;

namespace Alerting.Cli;

public sealed class TemplateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("alerting-tpl-");

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = TemplateCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Payload() => Write("alerts.json", """
        {"receiver": "ops", "status": "firing", "version": "4", "externalURL": "http://am.example",
         "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {"alertname": "DiskFull"}, "commonAnnotations": {},
         "groupKey": "{}:{alertname=\"DiskFull\"}", "truncatedAlerts": 2,
         "alerts": [
           {"status": "firing", "labels": {"alertname": "DiskFull", "instance": "db-1", "severity": "critical"},
            "annotations": {"summary": "97% full"}, "startsAt": "2025-05-01T12:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "fingerprint": "0123456789abcdef", "dashboardURL": "http://grafana/d/1"},
           {"status": "resolved", "labels": {"alertname": "DiskFull", "instance": "db-2", "severity": "warning"},
            "annotations": {"summary": "91% full"}, "startsAt": "2025-05-01T11:00:00Z", "endsAt": "2025-05-01T11:30:00Z"}
         ]}
        """);

    [Fact]
    public void Renders_a_file_against_a_webhook_payload_in_a_language_and_time_zone()
    {
        var template = Write("mine.sbn", """
            {{ receiver }} {{ status }} {{ count }} {{ firing_count }}/{{ resolved_count }} {{ severity }}
            {{ for a in alerts }}{{ a.labels.instance }} {{ a.starts_at_text }} {{ a.fingerprint }} {{ a.dashboard_url }}
            {{ end }}{{ links.view }} {{ language }}
            """);
        var (code, stdout, stderr) = Run("render", "--template", template, "--data", Payload(), "--language", "zh-CN", "--time-zone=Asia/Shanghai");
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        var lines = stdout.TrimEnd().Split('\n');
        Assert.Equal("ops firing 4 1/1 critical", lines[0]);
        Assert.Equal("db-1 2025-05-01 20:00:00 +08:00 0123456789abcdef http://grafana/d/1", lines[1]);
        Assert.StartsWith("db-2 2025-05-01 19:00:00 +08:00 ", lines[2]);
        Assert.Equal("http://am.example/action/preview-view zh-CN", lines[3]);
    }

    [Fact]
    public void Renders_a_shipped_template_by_name_and_a_list_of_alerts()
    {
        var data = Write("list.json", """[{"labels": {"alertname": "Down", "job": "api"}, "startsAt": "2025-05-01T12:00:00Z"}]""");
        var (code, stdout, _) = Run("render", "--template", "email.subject", "--data", data);
        Assert.Equal(0, code);
        Assert.Equal("[FIRING:1] Down\n", stdout.ReplaceLineEndings("\n"));

        var (zhCode, zh, _) = Run("render", "--template", "dingtalk.markdown", "--data", data, "--language", "zh-CN");
        Assert.Equal(0, zhCode);
        Assert.Contains("### 🔥 [告警:1] Down", zh);
        Assert.Contains("**标签：** job=api", zh);
    }

    [Fact]
    public void The_file_name_sets_the_escaping()
    {
        var data = Write("list.json", """[{"labels": {"alertname": "X", "team": "<b>"}}]""");
        var html = Write("email.html.en.sbn", "<p>{{ common_labels.team }}</p>");
        var text = Write("email.text.en.sbn", "{{ common_labels.team }}");
        Assert.Equal("<p>&lt;b&gt;</p>", Run("render", "--template", html, "--data", data).Stdout.TrimEnd());
        Assert.Equal("<b>", Run("render", "--template", text, "--data", data).Stdout.TrimEnd());
        Assert.Equal("&lt;b&gt;", Run("render", "--template", text, "--data", data, "--name", "slack.text").Stdout.TrimEnd());
    }

    [Fact]
    public void A_broken_template_names_file_line_and_column_and_fails()
    {
        var template = Write("bad.sbn", "Hello {{ alertname }}\n{{ for a in alerts }}\n{{ a.labels.nope.x }}\n{{ end }}");
        var (code, stdout, stderr) = Run("render", "--template", template, "--data", Payload());
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"{template}:3:", stderr);
        Assert.Contains("null", stderr);
    }

    [Fact]
    public void Bad_usage_is_explained()
    {
        Assert.Equal(2, Run().Code);
        Assert.Equal(2, Run("render").Code);
        Assert.Equal(2, Run("render", "--template").Code);
        Assert.Equal(2, Run("render", "--template", "x", "--bogus", "y").Code);
        var missing = Run("render", "--template", Path.Combine(_dir.Path, "none.sbn"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("no such file", missing.Stderr);
        var badJson = Run("render", "--template", "slack.title", "--data", Write("bad.json", "{"));
        Assert.Equal(1, badJson.Code);
        Assert.Contains("invalid JSON", badJson.Stderr);
        var badZone = Run("render", "--template", "slack.title", "--time-zone", "Nowhere/Else");
        Assert.Equal(1, badZone.Code);
        Assert.Contains("unknown time zone", badZone.Stderr);
    }
}
