using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Alerting.Channels;

/// <summary>
/// An alert posted to the API reaches Jira, incident.io, Rocket.Chat and Mattermost through the engine, with texts
/// from Go templates (Mattermost's Alertmanager's defaults); all four refuse it. Their passwords, tokens and webhook keys appear nowhere a person or a log
/// can see: status, receivers, history, attempts, UI pages, log lines. The UI lists the four kinds.
/// </summary>
public sealed class AlertmanagerChatEndToEndTests
{
    private static readonly string[] s_secrets = ["JIRA-PASSWORD-SECRET-1", "ROCKET-TOKEN-SECRET-2", "ROCKET-USERID-SECRET-3", "MM-HOOK-SECRET-4", "INCIDENT-TOKEN-SECRET-5"];

    [Fact]
    public async Task Alert_reaches_all_four_and_no_secret_leaks()
    {
        using var peer = LoopbackWireMock.Start();
        peer.Given(Request.Create().WithPath("/rest/api/2/search").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"errorMessages":["The value 'OPS' does not exist for the field 'project'."]}"""));
        peer.Given(Request.Create().WithPath("/api/v1/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithBody("""{"success":false,"error":"error-invalid-channel"}"""));
        peer.Given(Request.Create().WithPath("/hooks/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(400).WithBody("Unable to find the webhook"));
        peer.Given(Request.Create().WithPath("/v2/alert_events/http/*").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"message":"Invalid alert source token"}"""));
        var logs = new CapturingLoggerProvider();
        await using var host = await AlertingTestHost.StartAsync($$$"""
            global:
              rocketchat_token_id: ROCKET-USERID-SECRET-3
            route:
              receiver: chat
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: chat
                jira_configs:
                  - api_url: {{{peer.Url}}}/rest/api/2/
                    project: OPS
                    issue_type: Bug
                    summary: '{{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }}'
                    description: '{{ .CommonAnnotations.summary }}'
                    priority: ''
                    http_config:
                      basic_auth: {username: bot@example.com, password: JIRA-PASSWORD-SECRET-1}
                incidentio_configs:
                  - url: {{{peer.Url}}}/v2/alert_events/http/01ABC
                    alert_source_token: INCIDENT-TOKEN-SECRET-5
                rocketchat_configs:
                  - api_url: {{{peer.Url}}}
                    token: ROCKET-TOKEN-SECRET-2
                    channel: '#ops'
                    title: '{{ .CommonLabels.alertname }}'
                    title_link: ''
                    text: '{{ .CommonAnnotations.summary }}'
                    emoji: ''
                    icon_url: ''
                mattermost_configs:
                  - webhook_url: {{{peer.Url}}}/hooks/MM-HOOK-SECRET-4
            """, logs: logs, options: o => o with { LogLevel = "debug" });
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull","severity":"critical","instance":"db-1"},"annotations":{"summary":"disk <full> & fast"}}]""");
        await Eventually.EqualAsync(4L, () => host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE error IS NOT NULL"), TimeSpan.FromSeconds(30));

        string Body(string prefix) => peer.LogEntries.First(e => e.RequestMessage.Path.StartsWith(prefix, StringComparison.Ordinal)).RequestMessage.Body!;
        Assert.Contains("project=\\\"OPS\\\" and labels=\\\"ALERT{", Body("/rest/api/2/search"), StringComparison.Ordinal);
        Assert.Equal("DiskFull", (string)JsonNode.Parse(Body("/api/v1/chat.postMessage"))!["attachments"]![0]!["title"]!);
        var mattermost = JsonNode.Parse(Body("/hooks/"))!["attachments"]![0]!; // Alertmanager's default templates
        Assert.Equal("[FIRING:1] DiskFull (db-1 critical)", (string)mattermost["title"]!);
        Assert.Contains("\n# Alerts Firing:\n", (string)mattermost["text"]!, StringComparison.Ordinal);
        Assert.Contains("  - summary = disk \\<full\\> & fast\n", (string)mattermost["text"]!, StringComparison.Ordinal); // escaped for markdown
        Assert.Contains("\"notification_reason\":\"first notification\"", Body("/v2/alert_events/"), StringComparison.Ordinal);

        var seen = new List<(string What, string Text)>();
        async Task<string> Get(string path)
        {
            var text = await host.Client.GetStringAsync(path);
            seen.Add((path, text));
            return text;
        }
        Assert.Contains("<secret>", await Get("api/v2/status"), StringComparison.Ordinal);
        await Get("api/v2/receivers");
        await Get("api/v2/history/groups?groupKey=" + Uri.EscapeDataString("{}:{alertname=\"DiskFull\"}"));
        var notifications = await Get("notifications");
        foreach (var kind in (string[])["jira", "incidentio", "rocketchat", "mattermost"])
        {
            Assert.Contains($"<option value=\"{kind}\">{kind}</option>", notifications, StringComparison.Ordinal);
        }
        var routing = await Get("routing?labels=" + Uri.EscapeDataString("alertname=\"DiskFull\""));
        Assert.Contains("(jira[0], incidentio[0], rocketchat[0], mattermost[0])", routing, StringComparison.Ordinal);
        await Get("status");
        var fingerprint = (string)(await host.GetArrayAsync("api/v2/alerts"))[0]!["fingerprint"]!;
        await Get($"api/v2/history/alerts/{fingerprint}");
        await Get($"alerts/{fingerprint}");
        seen.Add(("notification_attempts.error", await host.ScalarAsync<string>("SELECT string_agg(error, '\n') FROM notification_attempts")));
        seen.AddRange(logs.Lines.Select(l => ("log", l.ToString())));

        Assert.Contains(seen, s => s.Text.Contains("error response from Rocketchat: error-invalid-channel", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Text.Contains("Invalid alert source token", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Text.Contains("does not exist for the field", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Text.Contains("Unable to find the webhook", StringComparison.Ordinal));
        var leaks = s_secrets.SelectMany(secret => seen.Where(s => s.Text.Contains(secret, StringComparison.Ordinal)).Select(s => $"{secret} in {s.What}")).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }
}
