using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Alerting.Channels;

/// <summary>
/// An alert posted to the API reaches a WeCom robot (in Chinese) and a Feishu bot (in English, signed) through
/// the engine and the default templates; both refuse it. Their keys, tokens and secrets appear nowhere a person
/// or a log can see: status, receivers, history, attempts, UI pages, log lines. The UI lists both kinds.
/// </summary>
public sealed class WeComFeishuEndToEndTests
{
    private static readonly string[] s_secrets = ["WECOM-KEY-SECRET-1", "FEISHU-TOKEN-SECRET-2", "FEISHU-SIGNING-SECRET-3"];

    [Fact]
    public async Task Alert_reaches_both_rendered_and_signed_and_no_secret_leaks()
    {
        using var chat = LoopbackWireMock.Start();
        chat.Given(Request.Create().WithPath("/cgi-bin/webhook/send").UsingPost())
            .RespondWith(Response.Create().WithBody("""{"errcode":93000,"errmsg":"invalid webhook url, hint: [WECOM-KEY-SECRET-1]"}"""));
        chat.Given(Request.Create().WithPath("/open-apis/bot/v2/hook/*").UsingPost())
            .RespondWith(Response.Create().WithBody("""{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"""));
        var logs = new CapturingLoggerProvider();
        await using var host = await AlertingTestHost.StartAsync($$"""
            route:
              receiver: chat
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: chat
                wecom_configs:
                  - url: {{chat.Url}}/cgi-bin/webhook/send?key=WECOM-KEY-SECRET-1
                    language: zh-CN
                    mentioned_list: [zhangsan]
                feishu_configs:
                  - url: {{chat.Url}}/open-apis/bot/v2/hook/FEISHU-TOKEN-SECRET-2
                    secret: FEISHU-SIGNING-SECRET-3
            """, logs: logs, options: o => o with { LogLevel = "debug" });
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull","severity":"critical","instance":"db-1"},"annotations":{"summary":"磁盘 <满了> & 快"}}]""");
        await Eventually.EqualAsync(2L, () => host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE error IS NOT NULL"), TimeSpan.FromSeconds(30));

        var wecom = JsonNode.Parse(chat.LogEntries.First(e => e.RequestMessage.Path.StartsWith("/cgi-bin/", StringComparison.Ordinal)).RequestMessage.Body!)!;
        var content = (string)wecom["markdown"]!["content"]!;
        Assert.StartsWith("## <font color=\"warning\">🔥 [告警:1] DiskFull</font>\n**级别：** critical", content, StringComparison.Ordinal);
        Assert.Contains("磁盘 ＜满了＞ & 快", content); // the data's markup characters become full-width
        Assert.Contains("[确认](http", content);
        Assert.Matches(@"\[静默 1 小时\]\(http://[^)]+/action/[A-Za-z0-9_\-.]+\)", content); // a signed link, not a placeholder
        Assert.EndsWith("\n\n<@zhangsan>", content);

        var feishu = JsonNode.Parse(chat.LogEntries.First(e => e.RequestMessage.Path.StartsWith("/open-apis/", StringComparison.Ordinal)).RequestMessage.Body!)!;
        var timestamp = (string)feishu["timestamp"]!;
        using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(timestamp + "\nFEISHU-SIGNING-SECRET-3")))
        {
            Assert.Equal(Convert.ToBase64String(hmac.ComputeHash([])), (string)feishu["sign"]!);
        }
        var card = feishu["card"]!;
        Assert.Equal("red", (string)card["header"]!["template"]!);
        Assert.Equal("[FIRING:1] DiskFull (critical)", (string)card["header"]!["title"]!["content"]!);
        Assert.Contains("磁盘 &#60;满了&#62; & 快", (string)card["elements"]![0]!["content"]!); // no tags from alert data
        var buttons = card["elements"]![1]!["actions"]!.AsArray();
        Assert.Equal(["View", "Silence 1h", "Silence 24h", "Acknowledge"], buttons.Select(b => (string)b!["text"]!["content"]!));
        Assert.All(buttons, b => Assert.Contains("/action/", (string)b!["url"]!, StringComparison.Ordinal));

        // Everything a person can look at, and every log line.
        var seen = new List<(string What, string Text)>();
        async Task<string> Get(string path)
        {
            var text = await host.Client.GetStringAsync(path);
            seen.Add((path, text));
            return text;
        }
        var status = await Get("api/v2/status");
        Assert.Contains("<secret>", status, StringComparison.Ordinal);
        await Get("api/v2/receivers");
        await Get("api/v2/history/groups?groupKey=" + Uri.EscapeDataString("{}:{alertname=\"DiskFull\"}"));
        var notifications = await Get("notifications");
        Assert.Contains("<option value=\"wecom\">wecom</option>", notifications, StringComparison.Ordinal);
        Assert.Contains("<option value=\"feishu\">feishu</option>", notifications, StringComparison.Ordinal);
        Assert.Contains("93000", notifications, StringComparison.Ordinal); // the failure is shown, its key is not
        var routing = await Get("routing?labels=" + Uri.EscapeDataString("alertname=\"DiskFull\""));
        Assert.Contains("(wecom[0], feishu[0])", routing, StringComparison.Ordinal);
        await Get("status");
        var fingerprint = (string)(await host.GetArrayAsync("api/v2/alerts"))[0]!["fingerprint"]!;
        await Get($"api/v2/history/alerts/{fingerprint}");
        await Get($"alerts/{fingerprint}");
        seen.Add(("notification_attempts.error", await host.ScalarAsync<string>("SELECT string_agg(error, '\n') FROM notification_attempts")));
        seen.AddRange(logs.Lines.Select(l => ("log", l.ToString())));

        Assert.Contains(seen, s => s.Text.Contains("Feishu code 19021", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Text.Contains("WeCom errcode 93000", StringComparison.Ordinal));
        var leaks = s_secrets.SelectMany(secret => seen.Where(s => s.Text.Contains(secret, StringComparison.Ordinal)).Select(s => $"{secret} in {s.What}")).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }
}
