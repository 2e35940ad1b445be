using Alerting.Channels.Http;
using Alerting.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Alerting.Channels;

/// <summary>
/// The receivers that copy Alertmanager's, each given known secrets (keys, tokens, secrets in URL paths and queries)
/// and a peer that refuses every request: no secret appears where a person or a log can see it (status, receivers,
/// history, attempts, UI pages, debug log lines, also as logfmt and JSON print them), while the peers' refusals do.
/// </summary>
public sealed class ReceiverSecretScanTests
{
    private static readonly string[] s_secrets =
    [
        "PD-ROUTING-KEY-SECRET-1", "GENIE-KEY-SECRET-2", "VO-API-KEY-SECRET-3", "SNS-SECRET-KEY-SECRET-4", "123:TG-BOT-TOKEN-SECRET-5",
        "DISCORD-HOOK-SECRET-6", "WEBEX-BEARER-SECRET-7", "WECHAT-API-SECRET-8", "TEAMS-HOOK-SECRET-9", "TEAMS2-HOOK-SECRET-10",
    ];

    [Fact]
    public async Task No_secret_of_a_refused_send_leaks()
    {
        using var peer = LoopbackWireMock.Start();
        peer.Given(Request.Create().WithPath("/cgi-bin/gettoken").UsingGet()).RespondWith(Response.Create().WithBody("""{"errcode":40001,"errmsg":"invalid credential"}"""));
        peer.Given(Request.Create().UsingAnyMethod()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(400).WithBody("refused by peer"));
        var logs = new CapturingLoggerProvider();
        await using var host = await AlertingTestHost.StartAsync($$$"""
            route:
              receiver: all
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: all
                pagerduty_configs:
                  - routing_key: PD-ROUTING-KEY-SECRET-1
                    url: {{{peer.Url}}}/v2/enqueue
                opsgenie_configs:
                  - api_key: GENIE-KEY-SECRET-2
                    api_url: {{{peer.Url}}}/
                victorops_configs:
                  - api_key: VO-API-KEY-SECRET-3
                    api_url: {{{peer.Url}}}/integrations/generic/20131114/alert/
                    routing_key: ops
                sns_configs:
                  - api_url: {{{peer.Url}}}/
                    topic_arn: arn:aws:sns:us-east-1:123456789012:alerts
                    sigv4: {region: us-east-1, access_key: AKIAEXAMPLE, secret_key: SNS-SECRET-KEY-SECRET-4}
                telegram_configs:
                  - api_url: {{{peer.Url}}}
                    bot_token: '123:TG-BOT-TOKEN-SECRET-5'
                    chat_id: 42
                discord_configs:
                  - webhook_url: {{{peer.Url}}}/api/webhooks/1/DISCORD-HOOK-SECRET-6
                webex_configs:
                  - api_url: {{{peer.Url}}}/v1/messages
                    room_id: room
                    http_config: {authorization: {credentials: WEBEX-BEARER-SECRET-7}}
                wechat_configs:
                  - api_url: {{{peer.Url}}}/cgi-bin/
                    api_secret: WECHAT-API-SECRET-8
                    corp_id: corp
                    agent_id: '1'
                msteams_configs:
                  - webhook_url: {{{peer.Url}}}/webhookb2/TEAMS-HOOK-SECRET-9
                msteamsv2_configs:
                  - webhook_url: {{{peer.Url}}}/workflows/TEAMS2-HOOK-SECRET-10
            """, logs: logs, options: o => o with { LogLevel = "debug" });
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull","instance":"db-1"},"annotations":{"summary":"disk full"}}]""");
        await Eventually.EqualAsync(10L, () => host.ScalarAsync<long>("SELECT count(DISTINCT integration) FROM notification_attempts WHERE error IS NOT NULL"), TimeSpan.FromSeconds(40));

        var seen = new List<(string What, string Text)>();
        async Task Get(string path) => seen.Add((path, await host.Client.GetStringAsync(path)));
        await Get("api/v2/status");
        await Get("api/v2/receivers");
        await Get("api/v2/history/groups?groupKey=" + Uri.EscapeDataString("{}:{alertname=\"DiskFull\"}"));
        await Get("notifications");
        await Get("routing?labels=" + Uri.EscapeDataString("alertname=\"DiskFull\""));
        await Get("status");
        var fingerprint = (string)(await host.GetArrayAsync("api/v2/alerts"))[0]!["fingerprint"]!;
        await Get($"api/v2/history/alerts/{fingerprint}");
        await Get($"alerts/{fingerprint}");
        var errors = await host.ScalarAsync<string>("SELECT string_agg(integration || ': ' || error, '\n') FROM notification_attempts");
        seen.Add(("notification_attempts.error", errors));
        seen.AddRange(logs.Lines.Select(l => ("log", l.ToString())));
        // As --log.format=logfmt and json print them: every structured field, the error, the message.
        seen.AddRange(logs.Formatted.Select(l => ("formatted log", l)));
        Assert.Contains(logs.Formatted, l => l.StartsWith("{\"ts\":", StringComparison.Ordinal));

        Assert.Contains("refused by peer", errors, StringComparison.Ordinal);
        Assert.Contains("invalid APISecret for CorpID: corp", errors, StringComparison.Ordinal); // Alertmanager's words for a refused token
        var leaks = s_secrets.SelectMany(secret => seen.Where(s => s.Text.Contains(secret, StringComparison.Ordinal)).Select(s => $"{secret} in {s.What}: {Around(s.Text, secret)}")).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    private static string Around(string text, string secret)
    {
        var i = text.IndexOf(secret, StringComparison.Ordinal);
        return text[Math.Max(0, i - 80)..Math.Min(text.Length, i + secret.Length + 40)];
    }
}
