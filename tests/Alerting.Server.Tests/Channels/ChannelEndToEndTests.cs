using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Alerting.Channels;

/// <summary>An alert posted to the API reaches DingTalk, Slack and email through the engine, rendered by the default templates.</summary>
public sealed class ChannelEndToEndTests
{
    [Fact]
    public async Task Alert_reaches_DingTalk_in_Chinese_and_Slack_in_English_with_action_links()
    {
        using var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        server.Given(Request.Create().WithPath("/robot/send").UsingPost()).RespondWith(Response.Create().WithBody("""{"errcode":0,"errmsg":"ok"}"""));
        server.Given(Request.Create().WithPath("/slack/hook").UsingPost()).RespondWith(Response.Create().WithBody("ok"));
        await using var host = await AlertingTestHost.StartAsync($$"""
            route:
              receiver: chat
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: chat
                dingtalk_configs:
                  - url: {{server.Url}}/robot/send?access_token=t
                    secret: SEC123
                    language: zh-CN
                    message_type: actionCard
                slack_configs:
                  - api_url: {{server.Url}}/slack/hook
                    channel: '#ops'
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull","severity":"critical","instance":"db-1"},"annotations":{"summary":"磁盘 <满了> & 快"}}]""");

        await Eventually.EqualAsync(2, () => Task.FromResult(server.LogEntries.Count()), TimeSpan.FromSeconds(15));
        var ding = server.LogEntries.Single(e => e.RequestMessage.Path == "/robot/send").RequestMessage;
        Assert.False(string.IsNullOrEmpty(ding.Query!["sign"].ToString()));
        var card = JsonNode.Parse(ding.Body!)!["actionCard"]!;
        var text = (string)card["text"]!;
        Assert.Contains("DiskFull", text);
        Assert.Contains("磁盘 ＜满了＞ & 快", text); // DingTalk markdown: the data's markup characters become full-width
        Assert.Contains(card["btns"]!.AsArray(), b => ((string)b!["actionURL"]!).Contains("/action/", StringComparison.Ordinal));

        // Slack sends Alertmanager's message: its default title, its empty default text, no buttons.
        var slack = JsonNode.Parse(server.LogEntries.Single(e => e.RequestMessage.Path == "/slack/hook").RequestMessage.Body!)!;
        var attachment = slack["attachments"]![0]!;
        Assert.Equal("danger", (string)attachment["color"]!);
        Assert.Equal("[FIRING:1] DiskFull (db-1 critical)", (string)attachment["title"]!);
        Assert.Equal("", (string)attachment["text"]!);
        Assert.Null(attachment["actions"]);
        Assert.Equal("Alertmanager", (string)slack["username"]!);

        // Following the acknowledge link from the rendered DingTalk message acknowledges the group.
        // Buttons speak the message's language.
        var titles = card["btns"]!.AsArray().Select(b => (string)b!["title"]!).ToList();
        Assert.Equal(["查看", "静默 1 小时", "静默 24 小时", "确认"], titles);
        var ack = (string)card["btns"]!.AsArray().Single(b => (string)b!["title"]! == "确认")!["actionURL"]!;
        var path = new Uri(ack).PathAndQuery.TrimStart('/');
        Assert.True((await host.Client.PostAsync(path, new FormUrlEncodedContent([new("name", "值班")]))).IsSuccessStatusCode);
        Assert.Equal("值班", await host.ScalarAsync<string>("SELECT acknowledged_by FROM aggregation_groups"));
    }

    [Fact]
    public async Task Alert_reaches_email_as_multipart_with_the_default_templates()
    {
        await using var smtp = await new Email.SmtpTestServer().StartAsync();
        await using var host = await AlertingTestHost.StartAsync($$"""
            global:
              smtp_smarthost: {{smtp.Smarthost}}
              smtp_from: alerting@example.com
              smtp_require_tls: false
            route:
              receiver: mail
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: mail
                email_configs:
                  - to: oncall@example.com
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull","instance":"<script>x</script>"},"annotations":{"summary":"disk full"}}]""");
        var mail = await smtp.NextAsync(TimeSpan.FromSeconds(15));
        var message = mail.Message;
        Assert.Equal("oncall@example.com", message.To.Mailboxes.Single().Address);
        Assert.Equal("[FIRING:1] DiskFull (<script>x</script>)", message.Subject); // Alertmanager's email.default.subject
        Assert.Null(message.TextBody); // no text part unless text is set, as in Alertmanager
        Assert.Contains("summary = disk full", message.HtmlBody, StringComparison.Ordinal); // email.default.html
        Assert.Contains("instance = &lt;script&gt;x&lt;/script&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_message_says_who_acknowledged_in_the_receivers_language_and_time_zone()
    {
        using var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        server.Given(Request.Create().WithPath("/robot/send").UsingPost()).RespondWith(Response.Create().WithBody("""{"errcode":0,"errmsg":"ok"}"""));
        await using var host = await AlertingTestHost.StartAsync($$"""
            global:
              time_zone: Asia/Shanghai
            route:
              receiver: chat
              group_by: [alertname]
              group_wait: 0s
              group_interval: 1s
            receivers:
              - name: chat
                language: zh-CN
                dingtalk_configs:
                  - url: {{server.Url}}/robot/send?access_token=t
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Ack"}}]""");
        await Eventually.EqualAsync(1, () => Task.FromResult(server.LogEntries.Count()), TimeSpan.FromSeconds(15));
        var first = (string)JsonNode.Parse(server.LogEntries.Single().RequestMessage.Body!)!["markdown"]!["text"]!;
        Assert.Contains("+08:00", first); // times in the configured zone
        Assert.Contains("告警", first); // the receiver's language

        var links = await host.Server.Services.GetRequiredService<Links.LinkSigner>()
            .ForGroupAsync("{}:{alertname=\"Ack\"}", "chat", Core.Labels.LabelSet.From(("alertname", "Ack")), host.BaseAddress.ToString(), CancellationToken.None);
        await host.Client.PostAsync(new Uri(links.Acknowledge).PathAndQuery.TrimStart('/'), new FormUrlEncodedContent([new("name", "小王")]));
        await host.PostJsonAsync("api/v2/alerts", $$"""[{"labels":{"alertname":"Ack"},"endsAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}"}]""");
        await Eventually.EqualAsync(2, () => Task.FromResult(server.LogEntries.Count()), TimeSpan.FromSeconds(15));
        var resolved = (string)JsonNode.Parse(server.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Last().RequestMessage.Body!)!["markdown"]!["text"]!;
        Assert.Contains("已由 小王", resolved);
    }

    [Fact]
    public async Task Inline_titles_are_Go_templates_and_one_that_fails_falls_back_to_the_default()
    {
        using var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithBody("ok"));
        await using var host = await AlertingTestHost.StartAsync($$$"""
            route:
              receiver: chat
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: chat
                slack_configs:
                  - api_url: {{{server.Url}}}/a
                    title: 'Custom {{ .GroupLabels.alertname }} ({{ len .Alerts }})'
                  - api_url: {{{server.Url}}}/b
                    title: '{{ template "slack.default.title" . }}'
                  - api_url: {{{server.Url}}}/c
                    title: '{{ template "not.defined" . }}'
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Inline"}}]""");
        await Eventually.EqualAsync(3, () => Task.FromResult(server.LogEntries.Count()), TimeSpan.FromSeconds(15));
        string Title(string path) => (string)JsonNode.Parse(server.LogEntries.Single(e => e.RequestMessage.Path == path).RequestMessage.Body!)!["attachments"]![0]!["title"]!;
        Assert.Equal("Custom Inline (1)", Title("/a"));
        Assert.Equal("[FIRING:1] Inline ", Title("/b")); // Alertmanager's __subject, trailing space and all
        Assert.Equal("[FIRING:1] Inline ", Title("/c"));
        Assert.Contains("alerting_template_failures_total{template=\"slack.title\"} 1", await host.Client.GetStringAsync("metrics"));
    }
}
