using System.Net.Http.Headers;
using System.Net;
using System.Text;
using Alerting.Channels.Http;
using Alerting.Channels;
using Alerting.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace Alerting.Hosting;

/// <summary>
/// An instance whose config holds known secrets is run through failing and succeeding sends, wrong credentials,
/// reloads (one of them broken), status, receivers, history, metrics and template previews, with every log line
/// captured at debug level. No secret may appear in any log line, response body or response header.
/// </summary>
public sealed class SecretScanTests(ITestOutputHelper output)
{
    private static readonly string[] s_secrets =
    [
        "WEBHOOK-TOKEN-SECRET-1", "HOOK-USERINFO-PASS-2", "DINGTALK-ACCESS-TOKEN-3", "SEC-DINGTALK-SIGNING-SECRET-4",
        "SMTP-PASSWORD-SECRET-5", "SLACK-WEBHOOK-SECRET-6", "xoxb-SLACK-TOKEN-SECRET-7", "API-READ-TOKEN-SECRET-8",
        "API-WRITE-PASSWORD-9", "API-SEND-TOKEN-SECRET-10", "LINK-SIGNING-KEY-SECRET-11-0123456789abcdef",
        "OLD-LINK-SIGNING-KEY-SECRET-12-0123456789", "GRAFANA-HMAC-SECRET-13", "BROKEN-RELOAD-SECRET-14",
    ];

    [Fact]
    public async Task No_secret_appears_in_logs_responses_history_or_metrics()
    {
        using var hook = new WebhookSink(status: 500);
        using var chat = LoopbackWireMock.Start();
        chat.Given(Request.Create().WithPath("/robot/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"errcode":310000,"errmsg":"sign not match"}"""));
        chat.Given(Request.Create().WithPath("/services/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        using var smtp = new ClosedPort();
        var hookUrl = new Uri(hook.Url("/hook"));
        var config = Config(hookUrl, chat.Url!, smtp.Port);
        var logs = new CapturingLoggerProvider();
        await using var host = await AlertingTestHost.StartAsync(config, logs: logs, options: o => o with { LogLevel = "debug" });

        var seen = new List<(string What, string Text)>();
        async Task<HttpResponseMessage> Call(HttpMethod method, string path, AuthenticationHeaderValue? auth = null, string? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = auth;
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }
            var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            seen.Add(($"{method} {path} -> {(int)response.StatusCode}", text + "\n" + response.Headers + response.Content.Headers));
            return response;
        }
        var send = new AuthenticationHeaderValue("Bearer", "API-SEND-TOKEN-SECRET-10");
        var read = new AuthenticationHeaderValue("Bearer", "API-READ-TOKEN-SECRET-8");
        var write = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:API-WRITE-PASSWORD-9")));

        // Alerts for every receiver; the webhook fails first, then succeeds.
        foreach (var channel in new[] { "webhook", "dingtalk", "slack", "email" })
        {
            var posted = await Call(HttpMethod.Post, "api/v2/alerts", send, $$$"""[{"labels":{"alertname":"Leak{{{channel}}}","channel":"{{{channel}}}"}}]""");
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }
        await Eventually.EqualAsync(true, async () => hook.Requests.Count > 0, TimeSpan.FromSeconds(30));
        hook.RespondWith(200);
        await hook.WaitForAsync(1, TimeSpan.FromSeconds(60));
        await Eventually.EqualAsync(true, async () => chat.LogEntries.Count() >= 2, TimeSpan.FromSeconds(30));
        await Eventually.EqualAsync(true, async () => await host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE integration LIKE 'email%'") > 0, TimeSpan.FromSeconds(30));

        // Wrong credentials everywhere, and a sender that tries to read.
        await Call(HttpMethod.Get, "api/v2/alerts");
        await Call(HttpMethod.Get, "api/v2/alerts", new AuthenticationHeaderValue("Bearer", "API-READ-TOKEN-SECRET-8x"));
        await Call(HttpMethod.Get, "api/v2/status", send);
        await Call(HttpMethod.Post, "api/v2/silences", new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:nope"))), "{}");
        await Call(HttpMethod.Post, "api/grafana/alerts/main", null, """{"alerts":[]}""");

        // Everything a reader or operator can look at.
        await Call(HttpMethod.Get, "api/v2/status", read);
        await Call(HttpMethod.Get, "api/v2/receivers", read);
        await Call(HttpMethod.Get, "api/v2/alerts", read);
        await Call(HttpMethod.Get, "api/v2/alerts/groups", read);
        await Call(HttpMethod.Get, "api/v2/silences", read);
        foreach (var channel in new[] { "webhook", "dingtalk", "slack", "email" })
        {
            await Call(HttpMethod.Get, "api/v2/history/groups?groupKey=" + Uri.EscapeDataString($"{{}}/{{channel=\"{channel}\"}}:{{alertname=\"Leak{channel}\"}}"), read);
        }
        var fingerprints = await host.ScalarAsync<string>("SELECT string_agg(to_hex(fingerprint), ',') FROM alerts");
        foreach (var fp in fingerprints.Split(','))
        {
            await Call(HttpMethod.Get, $"api/v2/history/alerts/{fp.PadLeft(16, '0')}", read);
        }
        var attempts = await host.ScalarAsync<string>("SELECT coalesce(string_agg(coalesce(error, ''), '\n'), '') FROM notification_attempts");
        seen.Add(("notification_attempts.error", attempts));
        await Call(HttpMethod.Get, "metrics");
        foreach (var name in new[] { "slack.text", "dingtalk.markdown", "email.html" })
        {
            await Call(HttpMethod.Post, "api/v2/templates/render", read, $$"""{"name":"{{name}}"}""");
        }
        await Call(HttpMethod.Post, "api/v2/templates/render", read, """{"template":"{{ include 'alerting.yml' }}"}""");

        var listed = await (await Call(HttpMethod.Get, "api/v2/alerts", read)).Content.ReadAsStringAsync();
        foreach (var fp in System.Text.Json.Nodes.JsonNode.Parse(listed)!.AsArray().Select(a => (string)a!["fingerprint"]!))
        {
            await Call(HttpMethod.Get, $"alerts/{fp}", read); // the alert's timeline in the UI, send errors included
        }

        // Reloads: a good one, then a broken file that holds a secret where the error points.
        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Post, "-/reload", write)).StatusCode);
        var original = await File.ReadAllTextAsync(host.ConfigPath);
        await File.WriteAllTextAsync(host.ConfigPath, original.Replace(
            $"url: {hookUrl.Scheme}://hookuser:HOOK-USERINFO-PASS-2@{hookUrl.Authority}/hook?token=WEBHOOK-TOKEN-SECRET-1",
            "url: http://user:BROKEN-RELOAD-SECRET-14@bad host/hook?token=BROKEN-RELOAD-SECRET-14", StringComparison.Ordinal));
        var refused = await Call(HttpMethod.Post, "-/reload", write);
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        // The UI's pages, while the refused reload's error is on the status page.
        foreach (var page in new[] { "", "?state=resolved", "notifications", "routing", "status", "silences" })
        {
            Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Get, page, read)).StatusCode);
        }
        await File.WriteAllTextAsync(host.ConfigPath, original);
        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Post, "-/reload", write)).StatusCode);
        await Call(HttpMethod.Get, "api/v2/status", read);
        await Call(HttpMethod.Get, "metrics");

        var lines = logs.Lines;
        var leaks = new List<string>();
        foreach (var secret in s_secrets.SelectMany(Forms).Distinct())
        {
            leaks.AddRange(lines.Where(l => l.ToString().Contains(secret, StringComparison.Ordinal)).Select(l => $"log: {secret} in {Shorten(l.ToString())}"));
            // And as --log.format=logfmt and json print them, every structured field included.
            leaks.AddRange(logs.Formatted.Where(l => l.Contains(secret, StringComparison.Ordinal)).Select(l => $"formatted log: {secret} in {Shorten(l, secret)}"));
            leaks.AddRange(seen.Where(s => s.Text.Contains(secret, StringComparison.Ordinal)).Select(s => $"{s.What}: {secret} in {Shorten(s.Text, secret)}"));
        }
        output.WriteLine($"secret scan: {s_secrets.Length} secrets (and their encoded forms), {lines.Count} log lines, {seen.Count} responses and records scanned, "
            + $"{hook.Requests.Count} webhook requests, {chat.LogEntries.Count()} chat requests, {leaks.Count} leaks");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Take(20)));
        // The scan would see them: the secrets are really in use, and the logs are really captured.
        Assert.Contains(hook.Requests, r => r.RequestMessage.Url.Contains("WEBHOOK-TOKEN-SECRET-1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Message.Contains("refused", StringComparison.Ordinal) && l.Message.Contains("webhook_configs[0].url", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Message.Contains("DingTalk errcode 310000", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.What.StartsWith("GET api/v2/status -> 200", StringComparison.Ordinal) && s.Text.Contains("<secret>", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Debug);
    }

    /// <summary>A secret as it may show up: as is, URL-escaped, and inside basic credentials.</summary>
    private static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        yield return Uri.EscapeDataString(secret);
        foreach (var user in new[] { "operator", "hookuser", "user", "alerting" })
        {
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}"));
        }
    }

    private static string Shorten(string text, string? around = null)
    {
        var at = around is null ? 0 : Math.Max(0, text.IndexOf(around, StringComparison.Ordinal) - 100);
        return text.Length - at <= 300 ? text[at..] : text.Substring(at, 300) + "…";
    }

    private static string Config(Uri hook, string chat, int smtpPort) => $$"""
        global:
          resolve_timeout: 5m
          smtp_from: alerting@example.org
          smtp_smarthost: 127.0.0.1:{{smtpPort}}
          smtp_auth_username: alerting
          smtp_auth_password: SMTP-PASSWORD-SECRET-5
          smtp_require_tls: false
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 1h
          routes:
            - matchers: [channel="webhook"]
              receiver: hook
            - matchers: [channel="dingtalk"]
              receiver: ding
            - matchers: [channel="slack"]
              receiver: slack
            - matchers: [channel="email"]
              receiver: mail
        receivers:
          - name: hook
            webhook_configs:
              - url: {{hook.Scheme}}://hookuser:HOOK-USERINFO-PASS-2@{{hook.Authority}}/hook?token=WEBHOOK-TOKEN-SECRET-1
          - name: ding
            dingtalk_configs:
              - url: {{chat}}/robot/send?access_token=DINGTALK-ACCESS-TOKEN-3
                secret: SEC-DINGTALK-SIGNING-SECRET-4
          - name: slack
            slack_configs:
              - api_url: {{chat}}/services/T0/B0/SLACK-WEBHOOK-SECRET-6
                channel: '#ops'
                http_config:
                  authorization:
                    credentials: xoxb-SLACK-TOKEN-SECRET-7
          - name: mail
            email_configs:
              - to: ops@example.org
        server:
          auth:
            read: {bearer_tokens: [API-READ-TOKEN-SECRET-8]}
            write: {basic: [{username: operator, password: API-WRITE-PASSWORD-9}]}
            send: {bearer_tokens: [API-SEND-TOKEN-SECRET-10]}
          links:
            signing_key: LINK-SIGNING-KEY-SECRET-11-0123456789abcdef
            previous_keys: [OLD-LINK-SIGNING-KEY-SECRET-12-0123456789]
          grafana:
            sources:
              - name: main
                hmac_secret: GRAFANA-HMAC-SECRET-13
        """;
}
