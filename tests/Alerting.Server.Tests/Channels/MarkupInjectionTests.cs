using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Channels.Http;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Delivery;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels;

/// <summary>
/// Every chat channel, through its real notifier (as the dispatcher finds it) to WireMock, sends each string of the
/// <see cref="HostileCorpus"/> as label values and annotations: no link, mention, tag or markdown structure of the
/// data may reach the message, only those the template writes for a harmless value too, and the data must still
/// read as it was sent. Data URLs that are not http(s) must not be linked anywhere.
/// </summary>
public sealed partial class MarkupInjectionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private AlertingTestHost _host = null!;

    public static TheoryData<string> Channels() => [.. MarkupCase.All("http://x").Select(c => c.Kind)];

    public async Task InitializeAsync()
    {
        // One answer every channel reads as success: DingTalk/WeCom errcode, Feishu code, Telegram ok, Rocket.Chat success.
        _server.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithBody("""{"errcode":0,"errmsg":"ok","code":0,"msg":"ok","ok":true,"result":{"message_id":7,"chat":{"id":1}},"success":true}"""));
        var receivers = string.Join("\n", MarkupCase.All(_server.Url!).Select(c => $"  - name: {c.Kind}\n    {c.Yaml}"));
        _host = await AlertingTestHost.StartAsync($"route: {{receiver: dingtalk}}\nreceivers:\n{receivers}\n", time: _time);
    }

    public async Task DisposeAsync()
    {
        _server.Stop();
        await _host.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Hostile_data_reaches_the_message_as_readable_text_without_its_markup(string kind)
    {
        Assert.True(HostileCorpus.Strings.Count >= 50);
        var channel = MarkupCase.All(_server.Url!).Single(c => c.Kind == kind);
        var baseline = Hazards(channel, await SendAsync(channel, "benign value"));
        var failures = new List<string>();
        foreach (var hostile in HostileCorpus.Strings)
        {
            var text = await SendAsync(channel, hostile);
            var shown = Show(hostile);
            var extra = Hazards(channel, text).Except(baseline).ToList();
            if (extra.Count > 0)
            {
                failures.Add($"{shown}: markup from the data survives: {string.Join(" ", extra.Select(Show))}");
            }
            if ((channel.Markdown ? UnsafeMarkdownLink() : UnsafeLink()).Match(text) is { Success: true } link)
            {
                failures.Add($"{shown}: a javascript:/data: link: {Show(link.Value)}");
            }
            if (text.Contains("alert(document.domain)", StringComparison.Ordinal) || text.Contains("grafana-js", StringComparison.Ordinal))
            {
                failures.Add($"{shown}: a generatorURL or Grafana URL that is not http(s) is shown");
            }
            // Data that looks escaped already (&lt;) may read back one step further; either form counts.
            var readable = hostile.Length > HostileCorpus.Long
                ? text.Length > 0
                : channel.Unescape(text).Contains(hostile, StringComparison.Ordinal) || channel.Unescape(text).Contains(channel.Unescape(hostile), StringComparison.Ordinal);
            if (!readable)
            {
                failures.Add($"{shown}: the data does not read as sent in {Show(text)}");
            }
        }
        Assert.True(failures.Count == 0, $"{kind}: {failures.Count} of {HostileCorpus.Strings.Count} strings:\n" + string.Join("\n", failures));
    }

    /// <summary>Sends one notification whose labels and annotations hold <paramref name="value"/>; the message's text as received.</summary>
    private async Task<string> SendAsync(MarkupCase channel, string value)
    {
        var alert = new Alert(
            LabelSet.From(("alertname", "Hostile"), ("instance", value), ("severity", "critical")),
            LabelSet.From(("summary", value), ("description", value)),
            Now.AddMinutes(-5), Now.AddHours(1), "javascript:alert(document.domain)", Now, false);
        var data = NotificationData.Create(channel.Kind, "{}:{alertname=\"Hostile\"}", LabelSet.From(("alertname", "Hostile")), [alert], "http://alerting", Now);
        var grafana = new Dictionary<string, GrafanaLinks> { [data.Alerts[0].Fingerprint] = new("javascript:alert('grafana-js')", "data:text/html,grafana-js", "42") };
        var integration = channel.Yaml[..channel.Yaml.IndexOf("_configs", StringComparison.Ordinal)] + "[0]";
        var notifier = _host.Server.Services.GetRequiredService<Notifiers>().Find(channel.Kind, integration, new MessageExtras(grafana, null, []))!.Notifier;
        var request = new NotificationRequest(channel.Kind, data.GroupKey, "", 1) { Data = data, Links = ActionLinks.Placeholder("http://alerting") };
        _time.Advance(TimeSpan.FromMinutes(2)); // past every channel's rate limit
        if (notifier is IMessagePreview preview && channel.Kind == "email")
        {
            var message = preview.Preview(data, request.Links);
            return message[(message.IndexOf("--- text/html ---", StringComparison.Ordinal) + 1)..];
        }
        var before = _server.LogEntries.Count();
        var result = await notifier.SendAsync(request, CancellationToken.None);
        Assert.True(result.Outcome == SendOutcome.Success, $"{channel.Kind}: {result.Error}");
        Assert.Equal(before + 1, _server.LogEntries.Count());
        return Text(JsonNode.Parse(_server.LogEntries.Last().RequestMessage.Body!)!);
    }

    // Fields that hold URLs, names or settings rather than text shown as markup.
    private static readonly HashSet<string> s_notText =
        ["url", "actionURL", "title_link", "icon_url", "image_url", "thumb_url", "avatar_url", "msgtype", "parse_mode", "chat_id", "channel",
         "username", "color", "themeColor", "@type", "@context", "type", "$schema", "version", "roomId", "contentType", "tag", "template", "sign", "timestamp"];

    /// <summary>Every string of the body that is shown as text, one per line.</summary>
    private static string Text(JsonNode node)
    {
        var sb = new StringBuilder();
        void Walk(JsonNode? n, string? key)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        Walk(v, k);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Walk(item, key);
                    }
                    break;
                case JsonValue v when v.TryGetValue<string>(out var s) && (key is null || !s_notText.Contains(key)):
                    sb.Append(s).Append('\n');
                    break;
            }
        }
        Walk(node, null);
        return sb.ToString();
    }

    /// <summary>The markup a text holds, as the strings that make it.</summary>
    private static HashSet<string> Hazards(MarkupCase channel, string text)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (channel.Tags)
        {
            foreach (Match m in Tag().Matches(text))
            {
                found.Add(m.Value);
            }
        }
        if (channel.Mentions)
        {
            foreach (Match m in Mention().Matches(text))
            {
                found.Add(m.Value);
            }
        }
        if (channel.Markdown)
        {
            foreach (var regex in (Regex[])[Link(), Header(), Table(), Setext(), Quote(), Bold(), Code()])
            {
                foreach (Match m in regex.Matches(text))
                {
                    found.Add(m.Value);
                }
            }
        }
        // Counts the template writes ("[FIRING:1]", fewer alerts when a huge one is dropped) are not the data's.
        return [.. found.Select(h => Digits().Replace(h, "0"))];
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    private static string Show(string s) => (s.Length > 80 ? s[..80] + "…" : s).ReplaceLineEndings("⏎");

    // A tag, an autolink, or a Slack/Discord/WeCom/Feishu mention form: "<" not escaped, then what it opens.
    [GeneratedRegex(@"(?<!\\)<[A-Za-z!@#/&:][^>\s]{0,40}")]
    private static partial Regex Tag();

    [GeneratedRegex(@"(?<![\w\\])@[A-Za-z0-9_]+")]
    private static partial Regex Mention();

    // "](" that closes a link or image text and opens its target.
    [GeneratedRegex(@"(?<!\\)\]\s*\([^)\s]*")]
    private static partial Regex Link();

    [GeneratedRegex(@"(?m)^[ \t]{0,3}#{1,6}[ \t].*$")]
    private static partial Regex Header();

    [GeneratedRegex(@"(?m)^[ \t]*(\|.*(?<!\\)\||\|?[ \t]*:?-{3,}[ \t]*\|.*)$")]
    private static partial Regex Table();

    [GeneratedRegex(@"(?m)^[ \t]{0,3}(=+|-{2,})[ \t]*$")]
    private static partial Regex Setext();

    [GeneratedRegex(@"(?m)^[ \t]{0,3}>.*$")]
    private static partial Regex Quote();

    [GeneratedRegex(@"(?<!\\)\*\*[^*\n]+(?<!\\)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"(?<!\\)`[^`\n]+(?<!\\)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"(?i)(href\s*=\s*[""']?\s*|<)(javascript|data|vbscript):")]
    private static partial Regex UnsafeLink();

    [GeneratedRegex(@"(?i)((?<!\\)\]\(\s*<?\s*|href\s*=\s*[""']?\s*|<)(javascript|data|vbscript):")]
    private static partial Regex UnsafeMarkdownLink();
}
