using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Alerting.Channels.Slack;

public sealed class SlackNotifierTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private readonly WireMockServer _slack = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync() => _host = await AlertingTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        _slack.Stop();
        await _host.DisposeAsync();
    }

    private void Answer(int status, string body = "ok", string path = "/services/T000/B000/XXXX", string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status).WithBody(body);
        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter);
        }
        _slack.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingPost()).RespondWith(response);
    }

    private SlackNotifier Notifier(SlackConfig config, TimeProvider? time = null, string path = "/services/T000/B000/XXXX") => new(
        config with { ApiUrl = _slack.Url + path },
        _host.Server.Services.GetRequiredService<HttpClientProvider>(),
        _host.Server.Services.GetRequiredService<RateLimiter>(),
        (data, links) => SlackPayload.Ours(config, new GoFields(GoTemplateSet.Default, data), new SlackContent($"[{data.Status}] {data.GroupLabels.Get("alertname")}",
            string.Join("\n", data.Alerts.Select(a => $"• {a.Labels.Get("alertname")}: {a.Annotations.Get("summary")}"))), links),
        time ?? new FakeTimeProvider(Now));

    private static NotificationRequest Request(string summary = "disk full", bool resolved = false)
    {
        var alert = new Alert(LabelSet.From(("alertname", "Disk")), LabelSet.From(("summary", summary)),
            Now.AddMinutes(-10), resolved ? Now.AddMinutes(-1) : Now.AddMinutes(5), "", Now, false);
        var data = NotificationData.Create("ops", "{}:{alertname=\"Disk\"}", LabelSet.From(("alertname", "Disk")), [alert], "http://alerting", Now);
        return new NotificationRequest("ops", data.GroupKey, "", 1) { Data = data, Links = ActionLinks.Placeholder("http://alerting") };
    }

    private JsonObject LastBody() => JsonNode.Parse(_slack.LogEntries.Last().RequestMessage.Body!)!.AsObject();

    [Fact]
    public async Task Attachment_has_title_text_colour_and_link_buttons()
    {
        Answer(200);
        var result = await Notifier(new SlackConfig { Channel = "#ops", Username = "alerting" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var body = LastBody();
        Assert.Equal("#ops", (string)body["channel"]!);
        var attachment = body["attachments"]![0]!;
        Assert.Equal("danger", (string)attachment["color"]!);
        Assert.Equal("[firing] Disk", (string)attachment["title"]!);
        Assert.Equal("http://alerting/action/preview-view", (string)attachment["title_link"]!);
        Assert.Contains("disk full", (string)attachment["text"]!);
        var buttons = attachment["actions"]!.AsArray().Select(a => (string)a!["text"]!).ToList();
        Assert.Equal(["View", "Silence 1h", "Silence 24h", "Acknowledge"], buttons);

        _slack.Reset();
        Answer(200);
        await Notifier(new SlackConfig(), new FakeTimeProvider(Now.AddSeconds(5))).SendAsync(Request(resolved: true), CancellationToken.None);
        Assert.Equal("good", (string)LastBody()["attachments"]![0]!["color"]!);
    }

    [Fact]
    public void Escape_covers_Slacks_control_characters() =>
        Assert.Equal("a &amp; b &lt;@U123&gt;", SlackNotifier.Escape("a & b <@U123>"));

    [Fact]
    public void Our_long_text_is_cut_within_Slacks_limits()
    {
        var body = Notifier(new SlackConfig()).BuildBody(Request(summary: string.Join("\n", Enumerable.Repeat(new string('y', 100), 100))).Data!, null);
        var text = (string)JsonNode.Parse(body)!["attachments"]![0]!["text"]!;
        Assert.True(text.Length <= SlackPayload.MaxOurTextLength);
        Assert.EndsWith("…", text);
    }

    [Fact]
    public async Task The_request_has_Alertmanagers_content_type_and_user_agent()
    {
        Answer(200);
        await Notifier(new SlackConfig()).SendAsync(Request(), CancellationToken.None);
        var request = _slack.LogEntries.Last().RequestMessage;
        Assert.Equal("application/json", request.Headers!["Content-Type"].Single());
        Assert.Equal("Alertmanager/0.25.0", request.Headers["User-Agent"].Single());
        Assert.EndsWith("\n", request.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, "Success")]
    [InlineData(400, "Permanent")]
    [InlineData(403, "Permanent")]
    [InlineData(404, "Permanent")]
    [InlineData(429, "Retryable")]
    [InlineData(500, "Retryable")]
    [InlineData(503, "Retryable")]
    public async Task Status_codes_decide_what_is_retried(int status, string outcome)
    {
        var expected = Enum.Parse<SendOutcome>(outcome);
        Answer(status, status == 400 ? "invalid_payload" : "x", retryAfter: status == 429 ? "7" : null);
        var result = await Notifier(new SlackConfig()).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(expected, result.Outcome);
        if (status == 429)
        {
            Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        }
        if (status == 400)
        {
            Assert.Contains("invalid_payload", result.Error!, StringComparison.Ordinal); // Slack's error body is kept
        }
        if (expected != SendOutcome.Success)
        {
            Assert.DoesNotContain("XXXX", result.Error!, StringComparison.Ordinal); // the webhook path is its secret
        }
    }

    [Fact]
    public async Task Chat_postMessage_reports_ok_false_as_a_failure()
    {
        Answer(200, """{"ok":false,"error":"channel_not_found"}""", path: "/api/chat.postMessage");
        var result = await Notifier(new SlackConfig { Channel = "#nope" }, path: "/api/chat.postMessage").SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Contains("channel_not_found", result.Error!, StringComparison.Ordinal);

        _slack.Reset();
        Answer(200, """{"ok":true}""", path: "/api/chat.postMessage");
        var ok = await Notifier(new SlackConfig { Channel = "#ops" }, new FakeTimeProvider(Now.AddSeconds(5)), path: "/api/chat.postMessage").SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, ok.Outcome);
    }

    [Fact]
    public async Task At_most_one_message_a_second_per_webhook()
    {
        Answer(200);
        var time = new FakeTimeProvider(Now.AddHours(1));
        var notifier = Notifier(new SlackConfig(), time);
        Assert.Equal(SendOutcome.Success, (await notifier.SendAsync(Request(), CancellationToken.None)).Outcome);
        var limited = await notifier.SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, limited.Outcome);
        Assert.True(limited.RetryAfter <= TimeSpan.FromSeconds(1));
        time.Advance(limited.RetryAfter!.Value);
        Assert.Equal(SendOutcome.Success, (await notifier.SendAsync(Request(), CancellationToken.None)).Outcome);
        Assert.Equal(2, _slack.LogEntries.Count());
    }
}
