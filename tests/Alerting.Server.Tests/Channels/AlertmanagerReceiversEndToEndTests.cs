using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Alerting.Channels;

/// <summary>An alert posted to the API reaches the receivers that copy Alertmanager's, through the engine and the Go templates.</summary>
public sealed class AlertmanagerReceiversEndToEndTests
{
    [Fact]
    public async Task Alert_reaches_Telegram_Discord_Webex_WeChat_and_Teams()
    {
        using var server = LoopbackWireMock.Start();
        server.Given(Request.Create().WithPath("/bot42:TOKEN/sendMessage").UsingPost()).RespondWith(Response.Create().WithBody("""{"ok":true,"result":{"message_id":1}}"""));
        server.Given(Request.Create().WithPath("/discord/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        server.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Response.Create().WithBody("{}"));
        server.Given(Request.Create().WithPath("/cgi-bin/gettoken").UsingGet()).RespondWith(Response.Create().WithBody("""{"access_token":"AT"}"""));
        server.Given(Request.Create().WithPath("/cgi-bin/message/send").UsingPost()).RespondWith(Response.Create().WithBody("""{"errcode":0}"""));
        server.Given(Request.Create().WithPath("/teams").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        await using var host = await AlertingTestHost.StartAsync($$$"""
            global:
              telegram_api_url: {{{server.Url}}}
              wechat_api_url: {{{server.Url}}}/cgi-bin/
              wechat_api_secret: S
              wechat_api_corp_id: C
            route:
              receiver: chat
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: chat
                telegram_configs:
                  - bot_token: '42:TOKEN'
                    chat_id: 7
                    parse_mode: MarkdownV2
                discord_configs:
                  - webhook_url: {{{server.Url}}}/discord/hook
                webex_configs:
                  - api_url: {{{server.Url}}}/v1/messages
                    room_id: room
                    http_config: {authorization: {credentials: WEBEX}}
                wechat_configs:
                  - agent_id: '1'
                msteamsv2_configs:
                  - webhook_url: {{{server.Url}}}/teams
                    title: '{{ .Status }}: {{ .CommonLabels.alertname }}'
                    text: '{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}'
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull","instance":"db-1"},"annotations":{"summary":"disk full"}}]""");

        await Eventually.EqualAsync(6, () => Task.FromResult(server.LogEntries.Count()), TimeSpan.FromSeconds(20));
        JsonNode Body(string path) => JsonNode.Parse(server.LogEntries.Single(e => e.RequestMessage.Path == path).RequestMessage.Body!)!;
        Assert.Contains("Alerts Firing:", (string)Body("/bot42:TOKEN/sendMessage")["text"]!);
        Assert.Equal("[FIRING:1] DiskFull (db-1)", (string)Body("/discord/hook")["embeds"]![0]!["title"]!);
        Assert.Equal("room", (string)Body("/v1/messages")["roomId"]!);
        Assert.Contains("[FIRING:1] DiskFull", (string)Body("/cgi-bin/message/send")["text"]!["content"]!);
        Assert.Equal("firing: DiskFull", (string)Body("/teams")["attachments"]![0]!["content"]!["body"]![0]!["text"]!);
        Assert.Equal("disk full", (string)Body("/teams")["attachments"]![0]!["content"]!["body"]![1]!["text"]!);
    }
}
