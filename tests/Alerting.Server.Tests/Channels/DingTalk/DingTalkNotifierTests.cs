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
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Alerting.Channels.DingTalk;

public sealed class DingTalkNotifierTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private readonly WireMockServer _robot = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync() => _host = await AlertingTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        _robot.Stop();
        await _host.DisposeAsync();
    }

    private void Answer(string json, int status = 200) =>
        _robot.Given(WireMock.RequestBuilders.Request.Create().WithPath("/robot/send").UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(json));

    private DingTalkNotifier Notifier(DingTalkConfig config, TimeProvider? time = null) => new(
        config with { Url = config.Url ?? _robot.Url + "/robot/send?access_token=tok123" },
        _host.Server.Services.GetRequiredService<HttpClientProvider>(),
        _host.Server.Services.GetRequiredService<RateLimiter>(),
        (data, links) => new DingTalkContent($"[{data.Status}] {data.GroupLabels.Get("alertname")}",
            string.Join("\n", data.Alerts.Select(a => $"- **{a.Labels.Get("alertname")}** {a.Annotations.Get("summary")}"))
            + (data.TruncatedAlerts > 0 ? $"\n\n…and {data.TruncatedAlerts} more" : "")),
        time ?? TimeProvider.System);

    private static NotificationRequest Request(int alerts = 1, string summary = "disk full", params (string, string)[] extraAnnotations)
    {
        var list = Enumerable.Range(0, alerts).Select(i => new Alert(
            LabelSet.From(("alertname", "Disk"), ("instance", $"db-{i}")),
            LabelSet.From([("summary", summary), .. extraAnnotations]),
            Now.AddMinutes(-1), Now.AddMinutes(5), "", Now, false)).ToList();
        var data = NotificationData.Create("ops", "{}:{alertname=\"Disk\"}", LabelSet.From(("alertname", "Disk")), list, "http://alerting", Now);
        return new NotificationRequest("ops", data.GroupKey, "", alerts) { Data = data, Links = ActionLinks.Placeholder("http://alerting") };
    }

    private JsonObject LastBody() => JsonNode.Parse(_robot.LogEntries.Last().RequestMessage.Body!)!.AsObject();

    [Fact]
    public async Task Markdown_message_with_mentions_and_keyword()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        var notifier = Notifier(new DingTalkConfig { Keyword = "ALERT", AtMobiles = ["13800000000"] });
        var result = await notifier.SendAsync(Request(extraAnnotations: ("dingtalk_at_mobiles", "13900000000")), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var body = LastBody();
        Assert.Equal("markdown", (string)body["msgtype"]!);
        var text = (string)body["markdown"]!["text"]!;
        Assert.Contains("**Disk** disk full", text);
        Assert.Contains("ALERT", text); // the robot's keyword is always present
        Assert.Contains("@13800000000", text); // DingTalk only pings numbers named in the text
        Assert.DoesNotContain("13900000000", text); // named by the alert: only the config pings
        Assert.Equal(["13800000000"], body["at"]!["atMobiles"]!.AsArray().Select(m => (string)m!));
        Assert.Equal("tok123", _robot.LogEntries.Last().RequestMessage.Query!["access_token"].ToString());
    }

    [Fact]
    public async Task Requests_are_signed_with_the_secret()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        var time = new FakeTimeProvider(Now);
        await Notifier(new DingTalkConfig { Secret = "SECxyz" }, time).SendAsync(Request(), CancellationToken.None);
        var query = _robot.LogEntries.Last().RequestMessage.Query!;
        var timestamp = query["timestamp"].ToString();
        Assert.Equal(Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("SECxyz"), Encoding.UTF8.GetBytes(timestamp + "\nSECxyz")));
        Assert.Equal(expected, query["sign"].ToString()); // WireMock decodes the URL-encoded value once
        Assert.Contains("sign=", _robot.LogEntries.Last().RequestMessage.AbsoluteUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_file_is_read_at_every_send_and_a_missing_one_fails_permanently()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        var file = Path.GetTempFileName();
        try
        {
            var notifier = Notifier(new DingTalkConfig { SecretFile = file }, new FakeTimeProvider(Now));
            foreach (var secret in new[] { "SECfirst", "SECrotated" })
            {
                await File.WriteAllTextAsync(file, secret + "\n");
                Assert.Equal(SendOutcome.Success, (await notifier.SendAsync(Request(), CancellationToken.None)).Outcome);
                var query = _robot.LogEntries.Last().RequestMessage.Query!;
                var timestamp = query["timestamp"].ToString();
                var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));
                Assert.Equal(expected, query["sign"].ToString());
            }

            File.Delete(file);
            var sends = _robot.LogEntries.Count();
            var failed = await notifier.SendAsync(Request(), CancellationToken.None);
            Assert.Equal(SendOutcome.Permanent, failed.Outcome);
            Assert.Contains("secret_file", failed.Error, StringComparison.Ordinal);
            Assert.Equal(sends, _robot.LogEntries.Count());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Action_card_carries_the_action_links_as_buttons()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        await Notifier(new DingTalkConfig { MessageType = DingTalkMessageType.ActionCard }).SendAsync(Request(), CancellationToken.None);
        var card = LastBody()["actionCard"]!;
        var buttons = card["btns"]!.AsArray().Select(b => ((string)b!["title"]!, (string)b["actionURL"]!)).ToList();
        Assert.Contains(("Acknowledge", "http://alerting/action/preview-ack"), buttons);
        Assert.Contains(buttons, b => b.Item1 == "Silence 1h");
    }

    [Theory]
    [InlineData("""{"errcode":0,"errmsg":"ok"}""", 200, "Success")]
    [InlineData("""{"errcode":130101,"errmsg":"send too fast"}""", 200, "Retryable")]
    [InlineData("""{"errcode":310000,"errmsg":"keywords not in content"}""", 200, "Permanent")]
    [InlineData("""{"errcode":460101,"errmsg":"message too long"}""", 200, "Permanent")]
    [InlineData("""{"errcode":101002,"errmsg":"too long"}""", 200, "Permanent")]
    [InlineData("""oops""", 200, "Retryable")]
    [InlineData("""{}""", 500, "Retryable")]
    [InlineData("""{}""", 404, "Permanent")]
    public async Task Errcodes_decide_what_is_retried(string answer, int status, string outcome)
    {
        var expected = Enum.Parse<SendOutcome>(outcome);
        Answer(answer, status);
        var result = await Notifier(new DingTalkConfig()).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(expected, result.Outcome);
        if (expected != SendOutcome.Success)
        {
            Assert.DoesNotContain("tok123", result.Error!, StringComparison.Ordinal); // the token is a secret
        }
        if (answer.Contains("130101", StringComparison.Ordinal))
        {
            Assert.Equal(TimeSpan.FromSeconds(60), result.RetryAfter); // a long pause, as DingTalk asks
        }
        if (answer.Contains("310000", StringComparison.Ordinal))
        {
            Assert.Contains("keywords not in content", result.Error!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Body_stays_under_20000_bytes_by_dropping_whole_alerts()
    {
        var notifier = Notifier(new DingTalkConfig());
        var body = notifier.BuildBody(Request(alerts: 200, summary: new string('x', 300)).Data!, null);
        Assert.True(Encoding.UTF8.GetByteCount(body) <= DingTalkNotifier.MaxBodyBytes);
        var text = (string)JsonNode.Parse(body)!["markdown"]!["text"]!;
        Assert.Matches(@"…and \d+ more", text);
        Assert.EndsWith("more", text.TrimEnd());
        // Each kept line is whole: the markdown is never cut in the middle.
        Assert.All(text.Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)), l => Assert.EndsWith(new string('x', 300), l));
    }

    [Fact]
    public async Task A_burst_of_100_groups_never_exceeds_20_messages_a_minute()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        var time = new FakeTimeProvider(Now);
        var notifier = Notifier(new DingTalkConfig(), time);
        var sentAt = new List<DateTimeOffset>();
        var pending = new Queue<int>(Enumerable.Range(0, 100));
        var waits = 0;
        while (pending.Count > 0)
        {
            var result = await notifier.SendAsync(Request(), CancellationToken.None);
            if (result.Outcome == SendOutcome.Success)
            {
                sentAt.Add(time.GetUtcNow());
                pending.Dequeue();
            }
            else
            {
                Assert.NotNull(result.RetryAfter); // over the limit: wait, never drop
                time.Advance(result.RetryAfter!.Value);
                waits++;
            }
        }
        Assert.Equal(100, sentAt.Count);
        Assert.Equal(100, _robot.LogEntries.Count());
        var worst = sentAt.Max(t => sentAt.Count(s => s >= t && s < t + TimeSpan.FromMinutes(1)));
        Assert.True(worst <= 20, $"{worst} messages in one 60 s window");
        Assert.True(waits >= 4);
    }
}
