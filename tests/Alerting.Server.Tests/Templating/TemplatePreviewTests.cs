using System.Net;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;

namespace Alerting.Templating;

public sealed class TemplatePreviewTests
{
    private const string Alerts = """
        [{"labels": {"alertname": "HighLatency", "service": "checkout", "severity": "warning"},
          "annotations": {"summary": "p99 <above> 2s"},
          "startsAt": "2025-05-01T08:00:00Z", "endsAt": "2025-05-01T08:40:00Z"}]
        """;

    [Fact]
    public async Task Http_preview_renders_text_names_and_reports_errors_with_their_line()
    {
        await using var host = await AlertingTestHost.StartAsync();

        var text = await host.PostJsonAsync("api/v2/templates/render", $$$"""
            {"template": "[{{ status }}] {{ alertname }} since {{ starts_at_text }} ({{ alerts[0].duration }})",
             "timeZone": "Asia/Shanghai", "data": {{{Alerts}}}}
            """);
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("text/plain", text.Content.Headers.ContentType!.MediaType);
        Assert.Equal("[resolved] HighLatency since 2025-05-01 16:00:00 +08:00 (40m)", await text.Content.ReadAsStringAsync());

        // A name renders the template in use; the language picks the file.
        var named = await host.PostJsonAsync("api/v2/templates/render", $$$"""{"name": "dingtalk.markdown", "language": "zh-CN", "data": {{{Alerts}}}}""");
        var markdown = await named.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Contains("### ✅ [已恢复] HighLatency", markdown);
        Assert.Contains("/action/preview-silence-4h", markdown);

        // With a name, text is escaped as that template's would be.
        var html = await host.PostJsonAsync("api/v2/templates/render", $$$"""{"template": "<b>{{ summary }}</b>", "name": "email.html", "data": {{{Alerts}}}}""");
        Assert.Equal("<b>p99 &lt;above&gt; 2s</b>", await html.Content.ReadAsStringAsync());

        // No data: the example.
        var example = await host.PostJsonAsync("api/v2/templates/render", """{"name": "email.subject"}""");
        Assert.Equal("[FIRING:1] DiskFull (critical)", await example.Content.ReadAsStringAsync());

        var broken = await host.PostJsonAsync("api/v2/templates/render", """{"template": "fine\n{{ if }}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        var error = JsonNode.Parse(await broken.Content.ReadAsStringAsync())!;
        Assert.Contains("if", (string)error["error"]!);
        Assert.Equal(2, (int)error["line"]!);
        Assert.True((int)error["column"]! > 0);

        var oddCount = await host.PostJsonAsync("api/v2/templates/render", $$$"""{"template": "{{ truncated_alerts }}", "data": {"alerts": {{{Alerts}}}, "truncatedAlerts": "3"}}""");
        Assert.Equal("0", await oddCount.Content.ReadAsStringAsync());

        var runaway = await host.PostJsonAsync("api/v2/templates/render", """{"template": "{{ while true }}{{ end }}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, runaway.StatusCode);
        Assert.Contains("limit", (string)JsonNode.Parse(await runaway.Content.ReadAsStringAsync())!["error"]!);

        var include = await host.PostJsonAsync("api/v2/templates/render", """{"template": "{{ include 'alerting.yml' }}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, include.StatusCode);
        Assert.Contains("not allowed", await include.Content.ReadAsStringAsync());

        foreach (var (body, reason) in new[]
        {
            ("""{"name": "fax.cover"}""", "unknown template name"),
            ("""{"language": "en"}""", "give a template"),
            ("""{"name": "slack.text", "timeZone": "Mars/Olympus"}""", "unknown time zone"),
            ("""{"name": "slack.text", "data": {"alerts": 3}}""", "data must be"),
            ("""{"name": "slack.text", "data": [{"startsAt": "yesterday"}]}""", "alerts[0].startsAt"),
            // Found by fuzzing: these were 500s.
            ("""{"name": "slack.text", "data": [{"labels": {"a": "\ud800"}}]}""", "not valid UTF-16"),
            ("""{"name": "slack.text", "data": {"alerts": [], "commonLabels": {"\udc00": "x"}}}""", "not valid UTF-16"),
        })
        {
            var response = await host.PostJsonAsync("api/v2/templates/render", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Http_preview_shows_override_files_and_follows_config_reloads()
    {
        var dir = Directory.CreateTempSubdirectory("alerting-tpl-");
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.DefaultConfig + $"\ntemplates: ['{dir.FullName}/*.sbn']\n");
        var file = Path.Combine(dir.FullName, "slack.title.sbn");
        async Task<string> TitleAsync() =>
            await (await host.PostJsonAsync("api/v2/templates/render", """{"name": "slack.title"}""")).Content.ReadAsStringAsync();

        Assert.Equal("[FIRING:1] DiskFull (critical)", await TitleAsync());

        await File.WriteAllTextAsync(file, "mine: {{ alertname }}");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("-/reload", null)).StatusCode);
        Assert.Equal("mine: DiskFull", await TitleAsync());

        // A broken override is shown as broken by the preview, so it can be fixed before it matters.
        await File.WriteAllTextAsync(file, "{{ end }}");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("-/reload", null)).StatusCode);
        var response = await host.PostJsonAsync("api/v2/templates/render", """{"name": "slack.title"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, (int)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["line"]!);
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Http_preview_renders_Go_templates_with_the_configurations_files_as_amtool_would()
    {
        var dir = Directory.CreateTempSubdirectory("alerting-gotpl-");
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "mine.tmpl"), """{{ define "mine" }}<{{ .CommonLabels.alertname }}>{{ end }}""");
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.DefaultConfig + $"\ntemplates: ['{dir.FullName}/*.tmpl']\n");
        async Task<(HttpStatusCode Status, string Body)> PostAsync(string json)
        {
            var response = await host.PostJsonAsync("api/v2/templates/render", json);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // A list of alerts has no group labels: Alertmanager's subject shows them all as common labels.
        Assert.Equal((HttpStatusCode.OK, "[RESOLVED]  (HighLatency checkout warning)/ <HighLatency>"),
            await PostAsync($$$"""{"engine": "go", "template": "{{ template \"slack.default.title\" . }}/ {{ template \"mine\" . }}", "data": {{{Alerts}}}}"""));
        // html/template: the value escaped, and a literal "<" in text too, as Go does.
        Assert.Equal((HttpStatusCode.OK, "&lt;HighLatency> p99 &lt;above&gt; 2s"),
            await PostAsync($$$"""{"engine": "go", "type": "html", "template": "{{ template \"mine\" . }} {{ .CommonAnnotations.summary }}", "data": {{{Alerts}}}}"""));
        // No data: the example, whose group is DiskFull.
        Assert.Equal((HttpStatusCode.OK, "DiskFull 2"), await PostAsync("""{"engine": "go", "template": "{{ .GroupLabels.alertname }} {{ len .Alerts }}"}"""));

        var (status, body) = await PostAsync("""{"engine": "go", "template": "ok\n{{ .Nope }}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonNode.Parse(body)!;
        Assert.Equal("template: :2:3: executing \"\" at <.Nope>: can't evaluate field Nope in type template.Data", (string)error["error"]!);
        Assert.Equal((2, 3), ((int)error["line"]!, (int)error["column"]!));

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("""{"engine": "go", "template": "{{ if }}"}""")).Status);
        // sprig: as DingTalk, WeCom and Feishu fields run; "go" is Alertmanager's map, without it.
        var sprig = await PostAsync("""{"engine": "sprig", "template": "{{ .GroupLabels.alertname | upper }}|{{ template \"ding.link.title\" . }}"}""");
        Assert.Equal(HttpStatusCode.OK, sprig.Status);
        Assert.StartsWith("DISKFULL|[", sprig.Body, StringComparison.Ordinal);
        Assert.Contains("] DiskFull", sprig.Body, StringComparison.Ordinal);
        Assert.Contains("function \\\"upper\\\" not defined", (await PostAsync("""{"engine": "go", "template": "{{ upper \"x\" }}"}""")).Body);
        Assert.Contains("engine must be", (await PostAsync("""{"engine": "jinja", "template": "x"}""")).Body);
        Assert.Contains("type must be", (await PostAsync("""{"engine": "go", "type": "md", "template": "x"}""")).Body);
        Assert.Contains("a Go preview needs", (await PostAsync("""{"engine": "go", "name": "slack.title"}""")).Body);
        dir.Delete(recursive: true);
    }
}
