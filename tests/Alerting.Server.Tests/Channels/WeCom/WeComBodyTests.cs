using System.Text;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;
using Npgsql;

namespace Alerting.Channels.WeCom;

/// <summary>WeCom's content caps, counted in UTF-8 bytes: what is dropped, what is cut, and what is always kept.</summary>
public sealed class WeComBodyTests : IDisposable
{
    private readonly HttpClientProvider _clients = new();
    private readonly NpgsqlDataSource _unused = NpgsqlDataSource.Create("Host=127.0.0.1;Database=unused");

    public void Dispose()
    {
        _clients.Dispose();
        _unused.Dispose();
    }

    private WeComNotifier Notifier(WeComConfig config, Func<NotificationData, ActionLinks?, WeComContent>? render = null) =>
        new(config with { Url = "http://127.0.0.1:9/cgi-bin/webhook/send?key=k" }, _clients, new RateLimiter(_unused), render ?? WeComNotifierTests.Render, TimeProvider.System);

    private static string Content(string body, string type = "markdown") => (string)JsonNode.Parse(body)![type]!["content"]!;

    [Fact]
    public void Markdown_content_stays_within_4096_bytes_by_dropping_whole_alerts()
    {
        // Chinese summaries: 3 bytes a character, so counting characters instead of bytes would overshoot.
        var request = WeComNotifierTests.Notification(alerts: 100, summary: new string('满', 40));
        var content = Content(Notifier(new WeComConfig { MentionedList = ["zhangsan"] }).BuildBody(request.Data!, request.Links));

        Assert.InRange(Encoding.UTF8.GetByteCount(content), 3000, WeComNotifier.MaxMarkdownBytes);
        Assert.Matches(@"\n…and \d+ more\n", content);
        Assert.Contains("[Acknowledge](http://alerting/action/preview-ack)", content); // the links stay
        Assert.EndsWith("\n\n<@zhangsan>", content); // and so does the mention
        Assert.All(content.Split('\n').Where(l => l.StartsWith("**db-", StringComparison.Ordinal)), l => Assert.EndsWith(new string('满', 40), l));
    }

    [Fact]
    public void Text_content_stays_within_2048_bytes()
    {
        var request = WeComNotifierTests.Notification(alerts: 100, summary: new string('x', 50));
        var content = Content(Notifier(new WeComConfig { MessageType = WeComMessageType.Text }).BuildBody(request.Data!, request.Links), "text");
        Assert.InRange(Encoding.UTF8.GetByteCount(content), 1500, WeComNotifier.MaxTextBytes);
        Assert.Matches(@"\n…and \d+ more\n", content);
    }

    [Fact]
    public void One_alert_too_long_is_cut_at_a_line_with_a_marker_in_the_message_language()
    {
        var lines = string.Join("\n", Enumerable.Range(0, 200).Select(i => $"第 {i} 行：" + new string('长', 30)));
        var notifier = Notifier(new WeComConfig(), (data, _) => new WeComContent($"## 告警\n{lines}") { Language = "zh-CN" });
        var request = WeComNotifierTests.Notification();
        var content = Content(notifier.BuildBody(request.Data!, request.Links));

        var bytes = Encoding.UTF8.GetByteCount(content);
        Assert.InRange(bytes, WeComNotifier.MaxMarkdownBytes - 120, WeComNotifier.MaxMarkdownBytes);
        Assert.EndsWith("\n\n…（消息过长，已截断）", content);
        var kept = content.Split('\n').Where(l => l.StartsWith("第 ", StringComparison.Ordinal)).ToList();
        Assert.True(kept.Count > 30);
        Assert.All(kept, l => Assert.EndsWith(new string('长', 30), l)); // never cut inside a line
        Assert.Equal(Enumerable.Range(0, kept.Count).Select(i => $"第 {i} 行："), kept.Select(l => l[..l.IndexOf('：', StringComparison.Ordinal)] + "："));
    }

    [Fact]
    public void A_single_line_too_long_is_cut_at_a_character_not_inside_a_surrogate_pair()
    {
        var notifier = Notifier(new WeComConfig(), (_, _) => new WeComContent(string.Concat(Enumerable.Repeat("🔥", 3000))));
        var request = WeComNotifierTests.Notification();
        var content = Content(notifier.BuildBody(request.Data!, request.Links));
        Assert.True(Encoding.UTF8.GetByteCount(content) <= WeComNotifier.MaxMarkdownBytes);
        Assert.EndsWith("🔥\n\n… (message too long, cut here)", content);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(content)));
    }
}
