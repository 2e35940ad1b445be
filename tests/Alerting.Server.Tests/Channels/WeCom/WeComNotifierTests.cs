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

namespace Alerting.Channels.WeCom;

public sealed class WeComNotifierTests : IAsyncLifetime
{
    private const string Key = "KEY-693a91f6-7xxx";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private readonly WireMockServer _robot = LoopbackWireMock.Start();
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync() => _host = await AlertingTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        _robot.Stop();
        await _host.DisposeAsync();
    }

    private string RobotUrl => _robot.Url + "/cgi-bin/webhook/send?key=" + Key;

    private void Answer(string json, int status = 200) =>
        _robot.Given(Request.Create().WithPath("/cgi-bin/webhook/send").UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(json));

    /// <summary>A renderer whose output is known to the byte: a title line, a line per alert, "and N more", the links.</summary>
    internal static WeComContent Render(NotificationData data, ActionLinks? links) => new(
        $"## [{data.Status}] {data.GroupLabels.Get("alertname")}\n"
        + string.Join("\n", data.Alerts.Select(a => $"**{a.Labels.Get("instance")}** {a.Annotations.Get("summary")}"))
        + (data.TruncatedAlerts > 0 ? $"\n…and {data.TruncatedAlerts} more" : "")
        + (links is null ? "" : $"\n[View]({links.View}) | [Acknowledge]({links.Acknowledge})"));

    private WeComNotifier Notifier(WeComConfig config, TimeProvider? time = null) => new(
        config.Url is null && config.UrlFile is null && config.Key is null && config.KeyFile is null ? config with { Url = RobotUrl } : config,
        _host.Server.Services.GetRequiredService<HttpClientProvider>(),
        _host.Server.Services.GetRequiredService<RateLimiter>(),
        Render,
        time ?? TimeProvider.System);

    internal static NotificationRequest Notification(int alerts = 1, string summary = "disk full", params (string, string)[] extraAnnotations)
    {
        var list = Enumerable.Range(0, alerts).Select(i => new Alert(
            LabelSet.From(("alertname", "Disk"), ("instance", $"db-{i}")),
            LabelSet.From([("summary", summary), .. extraAnnotations]),
            Now.AddMinutes(-1), Now.AddMinutes(5), "", Now, false)).ToList();
        var data = NotificationData.Create("ops", "{}:{alertname=\"Disk\"}", LabelSet.From(("alertname", "Disk")), list, "http://alerting", Now);
        return new NotificationRequest("ops", data.GroupKey, "", alerts) { Data = data, Links = ActionLinks.Placeholder("http://alerting") };
    }

    private string LastBody() => _robot.LogEntries.Last().RequestMessage.Body!;

    [Fact]
    public async Task Markdown_body_is_exact_and_mentions_the_configs_user_ids_only()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        var notifier = Notifier(new WeComConfig { MentionedList = ["zhangsan"] });
        var request = Notification(summary: "磁盘 \"满了\"", extraAnnotations: [("wecom_mentioned_list", "lisi, zhangsan"), ("wecom_mentioned_mobile_list", "13900000000")]);
        var result = await notifier.SendAsync(request, CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        // Markdown pings by <@userid> in the content; phone numbers need a text message, so none is sent. People
        // named by the alert's annotations are not pinged: whoever posts an alert must not ping a group.
        Assert.Equal(
            """{"msgtype":"markdown","markdown":{"content":"## [firing] Disk\n**db-0** 磁盘 \"满了\"\n[View](http://alerting/action/preview-view) | [Acknowledge](http://alerting/action/preview-ack)\n\n<@zhangsan>"}}""",
            LastBody());
        var sent = _robot.LogEntries.Last().RequestMessage;
        Assert.Equal(Key, sent.Query!["key"].ToString());
        Assert.StartsWith("application/json", sent.Headers!["Content-Type"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_body_lists_the_configs_user_ids_and_phone_numbers_beside_the_content()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        var notifier = Notifier(new WeComConfig { MessageType = WeComMessageType.Text, MentionedList = ["@all"], MentionedMobileList = ["13800000000"] });
        await notifier.SendAsync(Notification(extraAnnotations: ("wecom_mentioned_mobile_list", "13900000000,13800000000")), CancellationToken.None);

        Assert.Equal(
            """{"msgtype":"text","text":{"content":"## [firing] Disk\n**db-0** disk full\n[View](http://alerting/action/preview-view) | [Acknowledge](http://alerting/action/preview-ack)","mentioned_list":["@all"],"mentioned_mobile_list":["13800000000"]}}""",
            LastBody());
    }

    [Fact]
    public async Task A_key_goes_to_api_url_and_a_key_file_is_read_at_every_send()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "wecom-key");
        await File.WriteAllTextAsync(file, "first-key\n");
        var notifier = Notifier(new WeComConfig { KeyFile = file, ApiUrl = _robot.Url + "/cgi-bin/webhook/send" });

        Assert.Equal(SendOutcome.Success, (await notifier.SendAsync(Notification(), CancellationToken.None)).Outcome);
        await File.WriteAllTextAsync(file, "rotated-key");
        Assert.Equal(SendOutcome.Success, (await notifier.SendAsync(Notification(), CancellationToken.None)).Outcome);
        Assert.Equal(["first-key", "rotated-key"], _robot.LogEntries.Select(e => e.RequestMessage.Query!["key"].ToString()));

        var inline = await Notifier(new WeComConfig { Key = "a b&c", ApiUrl = _robot.Url + "/cgi-bin/webhook/send" }).SendAsync(Notification(), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, inline.Outcome);
        Assert.Equal("a b&c", _robot.LogEntries.Last().RequestMessage.Query!["key"].ToString()); // escaped on the way, whole on arrival

        File.Delete(file);
        var missing = await notifier.SendAsync(Notification(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, missing.Outcome);
        Assert.StartsWith("read key_file:", missing.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"errcode":0,"errmsg":"ok"}""", 200, "Success")]
    [InlineData("""{"errcode":45009,"errmsg":"api freq out of limit"}""", 200, "Retryable")]
    [InlineData("""{"errcode":-1,"errmsg":"system busy"}""", 200, "Retryable")]
    [InlineData("""{"errcode":93000,"errmsg":"invalid webhook url, hint: [1795658571_8_x]"}""", 200, "Permanent")]
    [InlineData("""{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}""", 200, "Permanent")]
    [InlineData("""oops""", 200, "Retryable")]
    [InlineData("""{}""", 200, "Retryable")]
    [InlineData("""{}""", 500, "Retryable")]
    [InlineData("""{}""", 429, "Retryable")]
    [InlineData("""{}""", 404, "Permanent")]
    public async Task Errcodes_and_statuses_decide_what_is_retried(string answer, int status, string outcome)
    {
        var expected = Enum.Parse<SendOutcome>(outcome);
        Answer(answer.Replace("KEY", Key, StringComparison.Ordinal), status);
        var result = await Notifier(new WeComConfig()).SendAsync(Notification(), CancellationToken.None);
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        if (expected != SendOutcome.Success)
        {
            Assert.DoesNotContain(Key, result.Error!, StringComparison.Ordinal); // the key is the robot's secret
        }
        if (answer.Contains("45009", StringComparison.Ordinal))
        {
            Assert.Equal(TimeSpan.FromSeconds(60), result.RetryAfter); // a full window of WeCom's 20 a minute
        }
        if (answer.Contains("93000", StringComparison.Ordinal))
        {
            Assert.Contains("invalid webhook url", result.Error!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unreachable_robot_is_retried_and_the_error_has_no_key()
    {
        using var closed = new ClosedPort();
        var result = await Notifier(new WeComConfig { Url = $"http://127.0.0.1:{closed.Port}/cgi-bin/webhook/send?key={Key}" }).SendAsync(Notification(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Contains("POST http://127.0.0.1", result.Error!, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_burst_of_50_groups_never_exceeds_20_messages_a_minute()
    {
        Answer("""{"errcode":0,"errmsg":"ok"}""");
        var time = new FakeTimeProvider(Now);
        var notifier = Notifier(new WeComConfig(), time);
        var sentAt = new List<DateTimeOffset>();
        var waits = 0;
        while (sentAt.Count < 50)
        {
            var result = await notifier.SendAsync(Notification(), CancellationToken.None);
            if (result.Outcome == SendOutcome.Success)
            {
                sentAt.Add(time.GetUtcNow());
                continue;
            }
            Assert.StartsWith("rate limit: 20 messages a minute", result.Error, StringComparison.Ordinal);
            time.Advance(result.RetryAfter!.Value); // over the limit: wait, never drop
            waits++;
        }
        Assert.Equal(50, _robot.LogEntries.Count());
        var worst = sentAt.Max(t => sentAt.Count(s => s >= t && s < t + TimeSpan.FromMinutes(1)));
        Assert.Equal(20, worst);
        Assert.Equal(2, waits);
    }
}
