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

    /// <summary>
    /// Receivers that quote the request in their error answer (its URL, its Authorization header, its body): the error
    /// is stored and logged, so every configured secret is scrubbed from it in every form it was sent in.
    /// </summary>
    [Fact]
    public async Task Secrets_a_receiver_echoes_are_scrubbed_from_stored_and_logged_errors()
    {
        using var peer = LoopbackWireMock.Start();
        const string echo = "echo: url={{request.url}} authorization={{request.headers.Authorization}}";
        peer.Given(Request.Create().WithPath("/robot/send").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"errcode\":310000,\"errmsg\":\"" + echo + "\"}").WithTransformer());
        peer.Given(Request.Create().UsingAnyMethod()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(400).WithBody(echo).WithTransformer());
        var port = new Uri(peer.Url!).Port;
        var logs = new CapturingLoggerProvider();
        await using var host = await AlertingTestHost.StartAsync($$$"""
            route:
              receiver: all
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: all
                webhook_configs:
                  - url: {{{peer.Url}}}/hook-bearer
                    max_alerts: 1
                    http_config: {authorization: {credentials: WEBHOOK-BEARER-SECRET-11}}
                  - url: {{{peer.Url}}}/hook-basic
                    http_config: {basic_auth: {username: ops, password: BASIC-PASS-SECRET-12}}
                  - url: http://ops:URL-PASS-SECRET-13@127.0.0.1:{{{port}}}/hook-userinfo?token=QUERY-TOKEN-SECRET-16
                dingtalk_configs:
                  - url: {{{peer.Url}}}/robot/send?access_token=DINGTALK-TOKEN-SECRET-14
                    secret: DINGTALK-SIGN-SECRET-15
            """, logs: logs, options: o => o with { LogLevel = "debug" });
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull","instance":"db-1"}}]""");
        await Eventually.EqualAsync(4L, () => host.ScalarAsync<long>("SELECT count(DISTINCT integration) FROM notification_attempts WHERE error IS NOT NULL"), TimeSpan.FromSeconds(40));

        var seen = new List<(string What, string Text)>();
        async Task Get(string path) => seen.Add((path, await host.Client.GetStringAsync(path)));
        await Get("api/v2/history/groups?groupKey=" + Uri.EscapeDataString("{}:{alertname=\"DiskFull\"}"));
        await Get("notifications");
        var fingerprint = (string)(await host.GetArrayAsync("api/v2/alerts"))[0]!["fingerprint"]!;
        await Get($"api/v2/history/alerts/{fingerprint}");
        await Get($"alerts/{fingerprint}");
        var errors = await host.ScalarAsync<string>("SELECT string_agg(integration || ': ' || error, '\n') FROM notification_attempts");
        seen.Add(("notification_attempts.error", errors));
        seen.AddRange(logs.Lines.Select(l => ("log", l.ToString())));

        // The echoes arrived (so the test would see a leak), with the secrets masked.
        Assert.Contains("authorization=Bearer <secret>", errors, StringComparison.Ordinal);
        Assert.Contains("authorization=Basic <secret>", errors, StringComparison.Ordinal);
        Assert.True(errors.Contains("DingTalk errcode 310000", StringComparison.Ordinal) && errors.Contains("echo: url=", StringComparison.Ordinal), errors);
        string[] secrets =
        [
            "WEBHOOK-BEARER-SECRET-11", "BASIC-PASS-SECRET-12", "URL-PASS-SECRET-13", "DINGTALK-TOKEN-SECRET-14", "DINGTALK-SIGN-SECRET-15", "QUERY-TOKEN-SECRET-16",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ops:BASIC-PASS-SECRET-12")),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ops:URL-PASS-SECRET-13")),
        ];
        var leaks = secrets.SelectMany(secret => seen.Where(s => s.Text.Contains(secret, StringComparison.Ordinal)).Select(s => $"{secret} in {s.What}: {Around(s.Text, secret)}")).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public void Every_encoding_of_every_secret_is_scrubbed()
    {
        var config = new Webhook.WebhookConfig
        {
            Url = "https://bot:p%40ss-word-1@hooks.example/x?access_token=tok%2Bplus-2",
            HttpConfig = new Core.Configuration.HttpClientConfig
            {
                BasicAuth = new Core.Configuration.BasicAuth("svc", "basic pass/3", null),
                BearerToken = "bearer\"4<x>",
            },
        };
        var secrets = ReceiverSecrets.Of(config, ["url"]);
        string[] sent =
        [
            "p@ss-word-1", "p%40ss-word-1", "tok+plus-2", "tok%2Bplus-2", "basic pass/3", "basic+pass%2F3", "basic%20pass%2F3",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("svc:basic pass/3")),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("bot:p@ss-word-1")),
            "bearer\"4<x>", "bearer\\\"4\\u003cx\\u003e", "bearer\\\"4<x>", "bearer\\u00224\\u003Cx\\u003E",
        ];
        foreach (var s in sent)
        {
            var scrubbed = ReceiverSecrets.Scrub($"before {s} after", secrets);
            Assert.True(scrubbed == $"before {ReceiverSecrets.Mask} after", $"{s} -> {scrubbed}");
        }
        Assert.Equal("unexpected status code 400: not found", ReceiverSecrets.Scrub("unexpected status code 400: not found", secrets));
    }

    private static string Around(string text, string secret)
    {
        var i = text.IndexOf(secret, StringComparison.Ordinal);
        return text[Math.Max(0, i - 80)..Math.Min(text.Length, i + secret.Length + 40)];
    }
}
