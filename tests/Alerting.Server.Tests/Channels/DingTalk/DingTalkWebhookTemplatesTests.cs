using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Delivery;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.DingTalk;

/// <summary>
/// Templates written for prometheus-webhook-dingtalk, through the running service: its bundled default.tmpl
/// (ding.link.*, default.*, legacy.*), its contrib files, and templates of the kind people publish, which call
/// sprig's functions. Each host loads one set of <c>templates:</c> files, as each file may redefine shared names.
/// </summary>
public sealed class DingTalkWebhookTemplatesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 10, 0, TimeSpan.Zero);
    private readonly WireMockServer _robot = LoopbackWireMock.Start();
    private readonly TempDirectory _templates = new("alerting-dingtalk-tpl-");

    public Task InitializeAsync()
    {
        _robot.Given(WireMock.RequestBuilders.Request.Create().WithPath("/robot/send").UsingPost()).RespondWith(Response.Create().WithBody("""{"errcode":0,"errmsg":"ok"}"""));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _robot.Stop();
        _templates.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>One firing and one resolved alert of a group, as Alertmanager would hand them over.</summary>
    private static NotificationRequest Message(string receiver)
    {
        Alert Disk(string instance, string summary, DateTimeOffset ends) => new(
            LabelSet.From(("alertname", "DiskFull"), ("instance", instance), ("severity", "critical")),
            LabelSet.From(("summary", summary), ("description", "95% used on /data")),
            new DateTimeOffset(2026, 12, 6, 7, 59, 0, TimeSpan.Zero), ends, "http://prom:9090/graph?g0.expr=disk", Now, false);
        var data = NotificationData.Create(receiver, "{}:{alertname=\"DiskFull\"}", LabelSet.From(("alertname", "DiskFull")),
            // The "*" shows the one difference from prometheus-webhook-dingtalk: data reaches the templates escaped for
            // DingTalk's markdown (full-width), so a label cannot add emphasis, links or mentions (docs/security.md).
            [Disk("db-1", "disk_full on *db-1*", Now.AddMinutes(5)), Disk("db-2", "disk full on db-2", Now.AddMinutes(-6))], "http://alerting", Now);
        return new NotificationRequest(receiver, data.GroupKey, "", 2) { Data = data, Links = ActionLinks.Placeholder("http://alerting") };
    }

    /// <summary>A JSON string is a YAML double-quoted scalar: newlines and quotes survive.</summary>
    private static string Yaml(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    /// <summary>Starts the service with the files and a receiver whose title and text are the given Go templates, sends, returns the body.</summary>
    private async Task<(string Title, string Text)> Send(string title, string text, params (string Name, string Text)[] files)
    {
        foreach (var (name, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(_templates.Path, name), content);
        }
        await using var host = await AlertingTestHost.StartAsync($$"""
            templates: ['{{_templates.Path}}/*.tmpl']
            route:
              receiver: ding
            receivers:
              - name: ding
                dingtalk_configs:
                  - url: {{_robot.Url}}/robot/send?access_token=t
                    title: {{Yaml(title)}}
                    text: {{Yaml(text)}}
            """);
        var notifier = host.Server.Services.GetRequiredService<Notifiers>().Find("ding", "dingtalk[0]") ?? throw new InvalidOperationException("no notifier");
        var result = await notifier.Notifier.SendAsync(Message("ding"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var body = JsonNode.Parse(_robot.LogEntries.Last().RequestMessage.Body!)!;
        Assert.Equal("markdown", (string)body["msgtype"]!);
        return ((string)body["markdown"]!["title"]!, (string)body["markdown"]!["text"]!);
    }

    [Fact]
    public async Task Its_default_template_ding_link_renders_as_prometheus_webhook_dingtalk_renders_it()
    {
        var (title, text) = await Send("{{ template \"ding.link.title\" . }}", "{{ template \"ding.link.content\" . }}");

        Assert.Equal("[FIRING:1] DiskFull (critical)", title);
        Assert.Equal("""
            #### \[FIRING:1\] **[DiskFull](http://alerting/#/alerts?receiver=ding)**
            **Alerts Firing**

            #### \[CRITICAL\] disk_full on ＊db-1＊

            **Description:** 95% used on /data

            **Graph:** [📈](http://prom:9090/graph?g0.expr=disk)

            **Details:**
            > - alertname: DiskFull
            > - instance: db-1



            **Alerts Resolved**

            #### \[CRITICAL\] disk full on db-2

            **Description:** 95% used on /data

            **Graph:** [📈](http://prom:9090/graph?g0.expr=disk)

            **Details:**
            > - alertname: DiskFull
            > - instance: db-2



            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task Its_legacy_contrib_file_with_the_issue43_time_list_renders_markdown_escaped_labels()
    {
        var legacy = "{{ define \"ding.link.title\" }}{{ template \"legacy.title\" . }}{{ end }}\n{{ define \"ding.link.content\" }}{{ template \"legacy.content\" . }}{{ end }}\n";
        // contrib/templates/issue43: the alert list with its start time through sprig's date (local time).
        var issue43 = "{{ define \"__text_alert_list\" }}{{ range . }}\n**Time:** {{ .StartsAt | date \"2006.01.02 15:04:05\" }}\n**Labels**\n"
            + "{{ range .Labels.SortedPairs }}> - {{ .Name }}: {{ .Value | markdown | html }}\n{{ end }}\n**Annotations**\n"
            + "{{ range .Annotations.SortedPairs }}> - {{ .Name }}: {{ .Value | markdown | html }}\n{{ end }}\n**Source:** [{{ .GeneratorURL }}]({{ .GeneratorURL }})\n\n{{ end }}{{ end }}\n";

        var (title, text) = await Send("{{ template \"ding.link.title\" . }}", "{{ template \"ding.link.content\" . }}", ("legacy.tmpl", legacy), ("issue43.tmpl", issue43));

        var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(2026, 12, 6, 7, 59, 0, TimeSpan.Zero), TimeZoneInfo.Local).ToString("yyyy.MM.dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("[FIRING:1] DiskFull (critical)", title);
        Assert.Equal($$"""
            #### \[FIRING:1\] **[DiskFull](http://alerting/#/alerts?receiver=ding)**

            **Time:** {{local}}
            **Labels**
            > - alertname: DiskFull
            > - instance: db-1
            > - severity: critical

            **Annotations**
            > - description: 95% used on /data
            > - summary: disk\_full on ＊db-1＊

            **Source:** [http://prom:9090/graph?g0.expr=disk](http://prom:9090/graph?g0.expr=disk)


            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task A_published_template_with_dateInZone_redefining_the_default_names_renders()
    {
        // The shape of the template most often published for prometheus-webhook-dingtalk: default.title and
        // default.content redefined, times through sprig's dateInZone in Asia/Shanghai.
        var file = """
            {{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]{{ end }}
            {{ define "__alert_list" }}{{ range . }}
            ---
            **告警主题**: {{ .Annotations.summary }}
            **告警级别**: {{ .Labels.severity | upper }}
            **告警主机**: {{ .Labels.instance }}
            **告警时间**: {{ dateInZone "2006.01.02 15:04:05" (.StartsAt) "Asia/Shanghai" }}
            {{ end }}{{ end }}
            {{ define "__resolved_list" }}{{ range . }}
            ---
            **告警主题**: {{ .Annotations.summary }}
            **告警时间**: {{ dateInZone "2006.01.02 15:04:05" (.StartsAt) "Asia/Shanghai" }}
            **恢复时间**: {{ dateInZone "2006.01.02 15:04:05" (.EndsAt) "Asia/Shanghai" }}
            {{ end }}{{ end }}
            {{ define "default.title" }}{{ template "__subject" . }}{{ end }}
            {{ define "default.content" }}{{ if gt (len .Alerts.Firing) 0 }}**====侦测到{{ len .Alerts.Firing }}个故障====**
            {{ template "__alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}**====恢复{{ len .Alerts.Resolved }}个故障====**
            {{ template "__resolved_list" .Alerts.Resolved }}{{ end }}{{ end }}
            """;

        var (title, text) = await Send("{{ template \"ding.link.title\" . }}", "{{ template \"ding.link.content\" . }}", ("ops.tmpl", file));

        Assert.Equal("[FIRING:1]", title);
        Assert.Equal("""
            **====侦测到1个故障====**

            ---
            **告警主题**: disk_full on ＊db-1＊
            **告警级别**: CRITICAL
            **告警主机**: db-1
            **告警时间**: 2026.12.06 15:59:00
            **====恢复1个故障====**

            ---
            **告警主题**: disk full on db-2
            **告警时间**: 2026.12.06 15:59:00
            **恢复时间**: 2026.12.06 16:04:00

            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task A_published_inline_template_with_sprig_lists_defaults_and_truncation_renders()
    {
        // Inline fields of the kind shared for DingTalk robots: first, default, trunc, join, ago, title.
        var title = "{{ .CommonLabels.alertname | title }} {{ .Status | upper }} ({{ len .Alerts }})";
        var text = "{{ $first := first .Alerts }}**{{ $first.Annotations.summary | trunc 12 }}** on {{ $first.Labels.instance }}\n"
            + "team: {{ .CommonLabels.team | default \"unassigned\" }}\n"
            + "hosts: {{ range $i, $a := .Alerts }}{{ if $i }}, {{ end }}{{ $a.Labels.instance }}{{ end }}\n"
            + "for: {{ ago $first.StartsAt | replace \"m0s\" \"m\" }}\n"
            + "{{ range .Alerts.Resolved }}resolved {{ .Labels.instance }} after {{ durationRound (.EndsAt.Sub .StartsAt).String }}{{ end }}";

        var (sentTitle, sentText) = await Send(title, text);

        Assert.Equal("DiskFull FIRING (2)", sentTitle);
        Assert.StartsWith("**disk_full on** on db-1\nteam: unassigned\nhosts: db-1, db-2\nfor: ", sentText, StringComparison.Ordinal);
        Assert.EndsWith("\nresolved db-2 after 5m", sentText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_sprig_calls_loads_for_dingtalk_but_stays_out_of_the_alertmanager_receivers()
    {
        await File.WriteAllTextAsync(Path.Combine(_templates.Path, "ding.tmpl"), "{{ define \"ding.custom\" }}{{ .Status | upper }}{{ end }}");
        await using var host = await AlertingTestHost.StartAsync($$"""
            templates: ['{{_templates.Path}}/*.tmpl']
            route:
              receiver: ding
            receivers:
              - name: ding
            """);
        var running = host.Server.Services.GetRequiredService<Configuration.ConfigHolder>().Current.GoTemplates;
        Assert.Equal([Path.Combine(_templates.Path, "ding.tmpl")], running.SprigOnlyFiles);
        Assert.Contains("ding.custom", running.Sprig.TemplateNames);
        Assert.DoesNotContain("ding.custom", running.TemplateNames);
        var warning = Assert.Single(host.Server.Services.GetRequiredService<Configuration.ConfigHolder>().Current.Config.Warnings);
        Assert.StartsWith(Path.Combine(_templates.Path, "ding.tmpl") + ": templates: calls functions Alertmanager does not have", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Sprig_calls_load_without_a_warning_in_dingtalk_wecom_and_feishu_fields_but_warn_in_alertmanagers()
    {
        const string Call = "'{{ .CommonLabels.alertname | upper | trunc 5 }}'";
        Assert.Empty(ReceiverConfigs.LoadFile("dingtalk", $"url: http://127.0.0.1:1/x\ntitle: {Call}\ntext: {Call}").Warnings);
        Assert.Empty(ReceiverConfigs.LoadFile("wecom", $"url: http://127.0.0.1:1/x\ncontent: {Call}").Warnings);
        Assert.Empty(ReceiverConfigs.LoadFile("feishu", $"url: http://127.0.0.1:1/x\ntitle: {Call}\ntext: {Call}").Warnings);
        Assert.Contains("function \"upper\" not defined", Assert.Single(ReceiverConfigs.LoadFile("slack", $"api_url: http://127.0.0.1:1/x\ntitle: {Call}").Warnings), StringComparison.Ordinal);
        Assert.Contains("function \"nope\" not defined", Assert.Single(ReceiverConfigs.LoadFile("dingtalk", "url: http://127.0.0.1:1/x\ntitle: '{{ nope }}'").Warnings), StringComparison.Ordinal);
    }
}
