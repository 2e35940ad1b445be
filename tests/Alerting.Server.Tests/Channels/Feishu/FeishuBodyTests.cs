using System.Text;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;
using Npgsql;

namespace Alerting.Channels.Feishu;

/// <summary>Feishu's 20 KB request body: what is dropped, what is cut, and what is always kept.</summary>
public sealed class FeishuBodyTests : IDisposable
{
    private static readonly (string, string) Signature = ("1795658571", "c2lnbmF0dXJlLXBsYWNlaG9sZGVyLTMyLWJ5dGVzLWxvbmc=");
    private readonly HttpClientProvider _clients = new();
    private readonly NpgsqlDataSource _unused = NpgsqlDataSource.Create("Host=127.0.0.1;Database=unused");

    public void Dispose()
    {
        _clients.Dispose();
        _unused.Dispose();
    }

    private FeishuNotifier Notifier(Func<NotificationData, ActionLinks?, FeishuContent>? render = null) =>
        new(new FeishuConfig { Url = "http://127.0.0.1:9/open-apis/bot/v2/hook/t" }, _clients, new RateLimiter(_unused), render ?? FeishuNotifierTests.Render, TimeProvider.System);

    private static JsonNode Card(string body) => JsonNode.Parse(body)!["card"]!;

    [Fact]
    public void The_body_stays_within_20000_bytes_by_dropping_whole_alerts()
    {
        var request = FeishuNotifierTests.Notification(alerts: 400, summary: new string('满', 30));
        var body = Notifier().BuildBody(request.Data!, request.Links, Signature);

        Assert.InRange(Encoding.UTF8.GetByteCount(body), 15_000, FeishuNotifier.MaxBodyBytes);
        var card = Card(body);
        var markdown = (string)card["elements"]![0]!["content"]!;
        Assert.Matches(@"\n…and \d+ more$", markdown);
        Assert.All(markdown.Split('\n').SkipLast(1), l => Assert.EndsWith(new string('满', 30), l));
        Assert.Equal(4, card["elements"]![1]!["actions"]!.AsArray().Count); // the buttons stay
        Assert.Equal("1795658571", (string)JsonNode.Parse(body)!["timestamp"]!); // and so does the signature
    }

    [Fact]
    public void One_alert_too_long_is_cut_at_a_line_with_a_marker()
    {
        var lines = string.Join("\n", Enumerable.Range(0, 600).Select(i => $"line {i}: " + new string('长', 20)));
        var notifier = Notifier((_, _) => new FeishuContent("[告警:1] Disk", lines) { Buttons = ButtonTitles.Chinese, Language = "zh-CN" });
        var request = FeishuNotifierTests.Notification();
        var body = notifier.BuildBody(request.Data!, request.Links, null);

        Assert.InRange(Encoding.UTF8.GetByteCount(body), FeishuNotifier.MaxBodyBytes - 200, FeishuNotifier.MaxBodyBytes);
        var card = Card(body);
        var markdown = (string)card["elements"]![0]!["content"]!;
        Assert.EndsWith("\n\n…（消息过长，已截断）", markdown);
        var kept = markdown.Split('\n').Where(l => l.StartsWith("line ", StringComparison.Ordinal)).ToList();
        Assert.All(kept, l => Assert.EndsWith(new string('长', 20), l)); // never cut inside a line
        Assert.Equal(Enumerable.Range(0, kept.Count).Select(i => $"line {i}:"), kept.Select(l => l[..(l.IndexOf(':', StringComparison.Ordinal) + 1)]));
        Assert.Equal("[告警:1] Disk", (string)card["header"]!["title"]!["content"]!);
        Assert.Equal(["查看", "静默 1 小时", "静默 24 小时", "确认"], card["elements"]![1]!["actions"]!.AsArray().Select(b => (string)b!["text"]!["content"]!));
    }

    [Fact]
    public void Without_links_there_are_no_buttons()
    {
        var request = FeishuNotifierTests.Notification();
        var card = Card(Notifier().BuildBody(request.Data!, null, null));
        Assert.Single(card["elements"]!.AsArray());
    }

    [Fact]
    public void Alert_data_cannot_ping_the_group_or_restyle_the_card()
    {
        Assert.Equal("&#60;at id=all&#62;&#60;/at&#62; &#60;font color='red'&#62;x&#60;/font&#62; a＊b ［x］(http://e) ＠all", FeishuEscaping.Markdown("<at id=all></at> <font color='red'>x</font> a*b [x](http://e) @all"));
        Assert.Equal("&#60;", FeishuEscaping.Markdown(FeishuEscaping.Markdown("<"))); // escaping twice changes nothing
    }
}
