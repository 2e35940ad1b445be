using System.Net;
using System.Text.RegularExpressions;

namespace Alerting.Channels;

/// <summary>How a channel's markup is checked: which structures count as markup, and how its escaping reads back.</summary>
/// <param name="Markdown">Links, headers, tables, quotes, bold and code count (not in Slack mrkdwn, HTML or plain text).</param>
/// <param name="Mentions">An ASCII <c>@name</c> counts (not in e-mail).</param>
/// <param name="Unescape">The text as a person reads it, to find the data in it.</param>
internal sealed record MarkupCase(string Kind, string Yaml, bool Markdown, bool Mentions, Func<string, string> Unescape)
{
    /// <summary>Tags, autolinks and <c>&lt;@…&gt;</c> mention forms count (Telegram's MarkdownV2 reads no tags).</summary>
    public bool Tags { get; init; } = true;

    public override string ToString() => Kind;

    /// <summary>What every Go template field of the tests shows: every label and annotation of every alert, and its source.</summary>
    public const string Dump =
        "'{{ range .Alerts }}{{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }}{{ \"\\n\" }}{{ end }}" +
        "{{ range .Annotations.SortedPairs }}{{ .Name }}={{ .Value }}{{ \"\\n\" }}{{ end }}Source: {{ .GeneratorURL }}{{ end }}'";

    public static string FullWidth(string s) => Regex.Replace(s, "[［］＜＞＊｀｜＃＝－＋＠]", m => ((char)(m.Value[0] - 0xFF01 + 0x21)).ToString());

    public static string Backslashes(string s) => Regex.Replace(s, @"\\([!-/:-@\[-`{-~])", "$1").Replace('＠', '@');

    public static string Slack(string s) => s.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal)
        .Replace("&amp;", "&", StringComparison.Ordinal).Replace('＠', '@');

    public static string Html(string s) => WebUtility.HtmlDecode(s).Replace('＠', '@');

    public static string Feishu(string s) => FullWidth(s.Replace("&#60;", "<", StringComparison.Ordinal).Replace("&#62;", ">", StringComparison.Ordinal));

    /// <summary>The chat channels, each as an unmodified receiver would send (Scriban defaults) or with <see cref="Dump"/> as its text.</summary>
    public static IReadOnlyList<MarkupCase> All(string url) =>
    [
        new("dingtalk", $"dingtalk_configs: [{{url: '{url}/dingtalk?access_token=t'}}]", true, true, FullWidth),
        new("wecom", $"wecom_configs: [{{url: '{url}/wecom?key=k'}}]", true, true, FullWidth),
        new("feishu", $"feishu_configs: [{{url: '{url}/feishu'}}]", true, true, Feishu),
        new("slack", $"slack_configs: [{{api_url: '{url}/slack', channel: '#ops', text: {Dump}}}]", false, true, Slack),
        new("telegram", $"telegram_configs: [{{api_url: '{url}/tg', bot_token: 't', chat_id: 1, message: {Dump}}}]", false, true, Html),
        new("telegram-mdv2", $"telegram_configs: [{{api_url: '{url}/tg2', bot_token: 't', chat_id: 1, parse_mode: MarkdownV2, message: {Dump}}}]", true, true, Backslashes) { Tags = false },
        new("discord", $"discord_configs: [{{webhook_url: '{url}/discord', message: {Dump}}}]", true, true, Backslashes),
        new("mattermost", $"mattermost_configs: [{{webhook_url: '{url}/mattermost', text: {Dump}}}]", true, true, Backslashes),
        new("rocketchat", $"rocketchat_configs: [{{api_url: '{url}/rocket', token: 't', token_id: 'i', channel: '#ops', text: {Dump}}}]", true, true, Backslashes),
        new("msteams", $"msteams_configs: [{{webhook_url: '{url}/teams', text: {Dump}}}]", true, true, Backslashes),
        new("msteamsv2", $"msteamsv2_configs: [{{webhook_url: '{url}/teams2', text: {Dump}}}]", true, true, Backslashes),
        new("webex", $"webex_configs: [{{api_url: '{url}/webex', room_id: r, http_config: {{authorization: {{credentials: c}}}}, message: {Dump}}}]", true, true, Backslashes),
        new("email", "email_configs: [{to: 'a@example.org', from: 'b@example.org', smarthost: '127.0.0.1:1', require_tls: false}]", false, false, Html),
    ];
}
