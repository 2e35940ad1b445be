using System.Text.Json.Nodes;
using Alerting.Channels;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;

namespace Alerting.Delivery;

/// <summary>
/// A receiver's own template fields in our chat channels are Go templates over the configuration's Go template
/// files (as prometheus-webhook-dingtalk's are); without one, and when one fails, our Scriban templates apply.
/// </summary>
public sealed class NotifiersTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    // The kind of file people wrote for prometheus-webhook-dingtalk.
    private const string DingTemplates = """
        {{ define "ding.link.title" }}{{ template "__subject" . }}{{ end }}
        {{ define "ding.link.content" }}#### \[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}\] **{{ index .GroupLabels "alertname" }}**
        {{ range .Alerts.Firing }}- {{ .Labels.instance }}: {{ .Annotations.summary }}
        {{ end }}{{ end }}
        """;

    private readonly TempDirectory _dir = new("alerting-notifiers-");
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "ding.tmpl"), DingTemplates);
        _host = await AlertingTestHost.StartAsync($$$"""
            route: {receiver: ding}
            receivers:
              - name: ding
                dingtalk_configs:
                  - url: http://127.0.0.1:1/robot/send?access_token=t
                    title: '{{ template "ding.link.title" . }}'
                    text: '{{ template "ding.link.content" . }}'
                  - url: http://127.0.0.1:1/robot/send?access_token=u
                    language: zh-CN
                    text: '{{ .Nope }}'
              - name: wecom
                wecom_configs:
                  - key: k
                    content: '告警 {{ .CommonLabels.alertname }}:{{ range .Alerts }} {{ .Labels.instance }}{{ end }}'
              - name: feishu
                feishu_configs:
                  - url: http://127.0.0.1:1/open-apis/bot/v2/hook/x
                    title: '[{{ .Status | toUpper }}] {{ .GroupLabels.alertname }} <{{ len .Alerts }}>'
            templates: ['{{{_dir.Path}}}/*.tmpl']
            """);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    private static NotificationData Data()
    {
        Alert Disk(string instance) => new(
            LabelSet.From(("alertname", "DiskFull"), ("instance", instance), ("severity", "critical")),
            LabelSet.From(("summary", $"{instance} is full")), Now.AddMinutes(-5), Now.AddHours(1), "", Now, false);
        return NotificationData.Create("ding", "{}:{}", LabelSet.From(("alertname", "DiskFull")), [Disk("db-1"), Disk("db-2")], "http://alerting", Now);
    }

    private List<string> Preview(string receiver, string integration)
    {
        var notifier = _host.Server.Services.GetRequiredService<Notifiers>().Find(receiver, integration)!.Notifier;
        var body = ((IMessagePreview)notifier).Preview(Data(), ActionLinks.Placeholder("http://alerting"));
        return [.. Strings(JsonNode.Parse(body)!)];
    }

    private static IEnumerable<string> Strings(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [] : Strings(p.Value)),
        JsonArray a => a.SelectMany(i => i is null ? [] : Strings(i)),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [Fact]
    public void DingTalk_takes_the_Go_templates_written_for_prometheus_webhook_dingtalk()
    {
        var strings = Preview("ding", "dingtalk[0]");
        Assert.Contains("[FIRING:2] DiskFull (critical)", strings);
        Assert.Contains(strings, s => s.StartsWith("#### \\[FIRING:2\\] **DiskFull**\n- db-1: db-1 is full\n- db-2: db-2 is full\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Go_field_that_fails_falls_back_to_our_Scriban_template_and_is_counted()
    {
        var strings = Preview("ding", "dingtalk[1]");
        Assert.Contains(strings, s => s.Contains("告警中", StringComparison.Ordinal)); // the zh-CN dingtalk.markdown
        Assert.Contains("alerting_template_failures_total{template=\"dingtalk.markdown\"} 1", await _host.Client.GetStringAsync("metrics"));
    }

    [Fact]
    public void WeCom_content_and_a_Feishu_title_are_Go_templates_and_unset_fields_keep_our_defaults()
    {
        Assert.Contains("告警 DiskFull: db-1 db-2", Preview("wecom", "wecom[0]"));
        var feishu = Preview("feishu", "feishu[0]");
        Assert.Contains("[FIRING] DiskFull <2>", feishu); // text/template: not escaped
        Assert.Contains(feishu, s => s.Contains("db-1", StringComparison.Ordinal) && s.Contains("db-2", StringComparison.Ordinal)); // the feishu.markdown default
    }
}
