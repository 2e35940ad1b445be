using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Feishu;

public sealed class FeishuNotifierTests : IAsyncLifetime
{
    private const string Token = "0f8e6b7c-TOKEN-4d2a";
    private const string HookPath = "/open-apis/bot/v2/hook/" + Token;
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private readonly WireMockServer _bot = LoopbackWireMock.Start();
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync() => _host = await AlertingTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        _bot.Stop();
        await _host.DisposeAsync();
    }

    private void Answer(string json, int status = 200) =>
        _bot.Given(Request.Create().WithPath(HookPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(json));

    /// <summary>A renderer whose output is known to the byte.</summary>
    internal static FeishuContent Render(NotificationData data, ActionLinks? links) => new(
        $"[{data.Status}] {data.GroupLabels.Get("alertname")}",
        string.Join("\n", data.Alerts.Select(a => $"**{a.Labels.Get("instance")}** {a.Annotations.Get("summary")}"))
        + (data.TruncatedAlerts > 0 ? $"\n…and {data.TruncatedAlerts} more" : ""));

    private FeishuNotifier Notifier(FeishuConfig config, TimeProvider? time = null) => new(
        config.Url is null && config.UrlFile is null ? config with { Url = _bot.Url + HookPath } : config,
        _host.Server.Services.GetRequiredService<HttpClientProvider>(),
        _host.Server.Services.GetRequiredService<RateLimiter>(),
        Render,
        time ?? TimeProvider.System);

    internal static NotificationRequest Notification(int alerts = 1, string summary = "disk full", bool resolved = false)
    {
        var list = Enumerable.Range(0, alerts).Select(i => new Alert(
            LabelSet.From(("alertname", "Disk"), ("instance", $"db-{i}")),
            LabelSet.From(("summary", summary)),
            Now.AddMinutes(-10), resolved ? Now.AddMinutes(-1) : Now.AddMinutes(5), "", Now, false)).ToList();
        var data = NotificationData.Create("ops", "{}:{alertname=\"Disk\"}", LabelSet.From(("alertname", "Disk")), list, "http://alerting", Now);
        return new NotificationRequest("ops", data.GroupKey, "", alerts) { Data = data, Links = ActionLinks.Placeholder("http://alerting") };
    }

    private JsonObject LastBody() => JsonNode.Parse(_bot.LogEntries.Last().RequestMessage.Body!)!.AsObject();

    [Fact]
    public async Task Card_body_is_exact()
    {
        Answer("""{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}""");
        var result = await Notifier(new FeishuConfig()).SendAsync(Notification(summary: "磁盘 <满了>"), CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal(
            """{"msg_type":"interactive","card":{"config":{"wide_screen_mode":true},"header":{"template":"red","title":{"tag":"plain_text","content":"[firing] Disk"}},"elements":[{"tag":"markdown","content":"**db-0** 磁盘 <满了>"},{"tag":"action","actions":[{"tag":"button","text":{"tag":"plain_text","content":"View"},"type":"primary","url":"http://alerting/action/preview-view"},{"tag":"button","text":{"tag":"plain_text","content":"Silence 1h"},"type":"default","url":"http://alerting/action/preview-silence-1h"},{"tag":"button","text":{"tag":"plain_text","content":"Silence 24h"},"type":"default","url":"http://alerting/action/preview-silence-24h"},{"tag":"button","text":{"tag":"plain_text","content":"Acknowledge"},"type":"default","url":"http://alerting/action/preview-ack"}]}]}}""",
            _bot.LogEntries.Last().RequestMessage.Body);
        Assert.StartsWith("application/json", _bot.LogEntries.Last().RequestMessage.Headers!["Content-Type"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resolved_group_gets_a_green_header()
    {
        Answer("""{"code":0,"msg":"success"}""");
        await Notifier(new FeishuConfig()).SendAsync(Notification(resolved: true), CancellationToken.None);
        Assert.Equal("green", (string)LastBody()["card"]!["header"]!["template"]!);
        Assert.Equal("[resolved] Disk", (string)LastBody()["card"]!["header"]!["title"]!["content"]!);
    }

    [Fact]
    public async Task Requests_are_signed_as_Feishu_verifies_them()
    {
        Answer("""{"code":0,"msg":"success"}""");
        var time = new FakeTimeProvider(Now);
        await Notifier(new FeishuConfig { Secret = "SEC-feishu-demo" }, time).SendAsync(Notification(), CancellationToken.None);

        var body = LastBody();
        Assert.Equal(["timestamp", "sign", "msg_type", "card"], body.Select(p => p.Key));
        var timestamp = (string)body["timestamp"]!;
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), timestamp); // seconds, as a string
        // Feishu's check: HMAC-SHA256 keyed with timestamp + "\n" + secret, over nothing, in Base64.
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(timestamp + "\nSEC-feishu-demo"));
        Assert.Equal(Convert.ToBase64String(hmac.ComputeHash([])), (string)body["sign"]!);
        Assert.DoesNotContain("sign", _bot.LogEntries.Last().RequestMessage.AbsoluteUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_file_is_read_at_every_send()
    {
        Answer("""{"code":0,"msg":"success"}""");
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "feishu-secret");
        await File.WriteAllTextAsync(file, "first\n");
        var time = new FakeTimeProvider(Now);
        var notifier = Notifier(new FeishuConfig { SecretFile = file }, time);
        await notifier.SendAsync(Notification(), CancellationToken.None);
        await File.WriteAllTextAsync(file, "rotated");
        time.Advance(TimeSpan.FromSeconds(2));
        await notifier.SendAsync(Notification(), CancellationToken.None);

        var signs = _bot.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).Select(b => ((string)b["timestamp"]!, (string)b["sign"]!)).ToList();
        Assert.Equal(FeishuNotifier.Sign("first", Now), signs[0]);
        Assert.Equal(FeishuNotifier.Sign("rotated", Now.AddSeconds(2)), signs[1]);

        File.Delete(file);
        var missing = await notifier.SendAsync(Notification(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, missing.Outcome);
        Assert.StartsWith("read secret_file:", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, _bot.LogEntries.Count());
    }

    [Theory]
    [InlineData("""{"code":0,"data":{},"msg":"success"}""", 200, "Success")]
    [InlineData("""{"StatusCode":0,"StatusMessage":"success"}""", 200, "Success")]
    [InlineData("""{"code":11232,"msg":"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]"}""", 200, "Retryable")]
    [InlineData("""{"code":11232,"msg":"frequency limited"}""", 400, "Retryable")]
    [InlineData("""{"code":9499,"msg":"too many request","data":{}}""", 200, "Retryable")]
    [InlineData("""{"code":9499,"msg":"Bad Request","data":{}}""", 400, "Permanent")]
    [InlineData("""{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}""", 200, "Permanent")]
    [InlineData("""{"code":19022,"msg":"Ip Not Allowed"}""", 200, "Permanent")]
    [InlineData("""{"code":19024,"msg":"Key Words Not Found"}""", 200, "Permanent")]
    [InlineData("""{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}""", 200, "Permanent")]
    [InlineData("""oops""", 200, "Retryable")]
    [InlineData("""{}""", 500, "Retryable")]
    [InlineData("""{"code":0}""", 502, "Retryable")]
    [InlineData("""{}""", 429, "Retryable")]
    [InlineData("""not found: /open-apis/bot/v2/hook/0f8e6b7c-TOKEN-4d2a""", 404, "Permanent")]
    public async Task Codes_and_statuses_decide_what_is_retried(string answer, int status, string outcome)
    {
        var expected = Enum.Parse<SendOutcome>(outcome);
        Answer(answer, status);
        var result = await Notifier(new FeishuConfig()).SendAsync(Notification(), CancellationToken.None);
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        if (expected != SendOutcome.Success)
        {
            Assert.DoesNotContain(Token, result.Error!, StringComparison.Ordinal); // the path's token is the bot's secret
        }
        if (answer.Contains("11232", StringComparison.Ordinal) || answer.Contains("too many", StringComparison.Ordinal) || status == 429)
        {
            Assert.Equal(FeishuNotifier.RateLimitedWait, result.RetryAfter);
        }
        if (answer.Contains("19021", StringComparison.Ordinal))
        {
            Assert.Contains("sign match fail", result.Error!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unreachable_bot_is_retried_and_the_error_has_no_token()
    {
        using var closed = new ClosedPort();
        var result = await Notifier(new FeishuConfig { Url = $"http://127.0.0.1:{closed.Port}{HookPath}" }).SendAsync(Notification(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.StartsWith($"POST http://127.0.0.1:{closed.Port}/<secret>:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_burst_never_exceeds_5_a_second_nor_100_a_minute()
    {
        Answer("""{"code":0,"msg":"success"}""");
        var time = new FakeTimeProvider(Now);
        var notifier = Notifier(new FeishuConfig(), time);
        var sentAt = new List<DateTimeOffset>();
        while (sentAt.Count < 130)
        {
            var result = await notifier.SendAsync(Notification(), CancellationToken.None);
            if (result.Outcome == SendOutcome.Success)
            {
                sentAt.Add(time.GetUtcNow());
                continue;
            }
            Assert.StartsWith("rate limit: ", result.Error, StringComparison.Ordinal);
            time.Advance(result.RetryAfter!.Value); // over the limit: wait, never drop
        }
        Assert.Equal(130, _bot.LogEntries.Count());
        int Worst(TimeSpan window) => sentAt.Max(t => sentAt.Count(s => s >= t && s < t + window));
        Assert.Equal(5, Worst(TimeSpan.FromSeconds(1)));
        Assert.Equal(100, Worst(TimeSpan.FromMinutes(1)));
        Assert.True(sentAt[^1] - sentAt[0] >= TimeSpan.FromMinutes(1)); // the 101st waited for the minute
    }
}
